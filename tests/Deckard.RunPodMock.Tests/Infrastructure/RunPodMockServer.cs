using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;

namespace Deckard.RunPodMock.Tests.Infrastructure;

/// <summary>
/// The stand-in hosted in-process on Kestrel at http://127.0.0.1:{random port}, so tests speak raw HTTP and SSE to it
/// over real sockets. Settings make the protocol's clocks short: heartbeats every 250 ms, a 1.5 s proxy timeout,
/// renders that simulate a thousandth of the real time (ffmpeg still makes the real video).
/// </summary>
public class RunPodMockServer : IAsyncLifetime
{
    public const double HeartbeatSeconds = 0.25;
    public const double ProxyTimeoutSeconds = 1.5;

    private readonly StandInFactory _factory;

    public RunPodMockServer()
        : this(new Dictionary<string, string?>())
    {
    }

    protected RunPodMockServer(IReadOnlyDictionary<string, string?> overrides)
    {
        var settings = new Dictionary<string, string?>
        {
            ["RunPodMock:HeartbeatSeconds"] = HeartbeatSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RunPodMock:ProxyTimeoutSeconds"] = ProxyTimeoutSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["RunPodMock:CostModel:TimeScale"] = "0.001",
            ["Logging:LogLevel:Default"] = "Warning",
        };
        foreach (var (key, value) in overrides)
        {
            settings[key] = value;
        }

        _factory = new StandInFactory(settings);
    }

    public Uri BaseUri { get; private set; } = null!;

    public AdminClient Admin { get; private set; } = null!;

    public TestMedia Media { get; } = new();

    public IServiceProvider Services => _factory.Services;

    public virtual async Task InitializeAsync()
    {
        // Inputs first: a configured boot delay then starts counting when the server does, not before.
        await Media.InitializeAsync();
        _factory.UseKestrel(0);
        await HostStartGate.RunAsync(() =>
        {
            _factory.StartServer();
            return true;
        });
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        Admin = new AdminClient(Http());
    }

    /// <summary>A plain client on the pod's base URL; no overall timeout, so streams stay open as long as a test reads them.</summary>
    public HttpClient Http() => new() { BaseAddress = BaseUri, Timeout = Timeout.InfiniteTimeSpan };

    public virtual async Task DisposeAsync()
    {
        Admin?.Dispose();
        Media.Dispose();
        await _factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class RunPodMockCollection : ICollectionFixture<RunPodMockServer>
{
    /// <summary>Every test shares one stand-in, its queue and its faults, so they run one at a time.</summary>
    public const string Name = "RunPod stand-in";
}

/// <summary>Base for tests on the shared stand-in: reset before each test, so faults, jobs, journal and settings start clean.</summary>
[Collection(RunPodMockCollection.Name)]
public abstract class StandInTest(RunPodMockServer server) : IAsyncLifetime
{
    protected RunPodMockServer Server { get; } = server;

    protected AdminClient Admin => Server.Admin;

    protected GradioApi Api { get; private set; } = null!;

    public virtual async Task InitializeAsync()
    {
        await Server.Admin.ResetAsync();
        Api = new GradioApi(Server.Http(), Server.Media);
    }

    public virtual async Task DisposeAsync()
    {
        Api.Dispose();
        await Server.Admin.ResetAsync();
    }
}
