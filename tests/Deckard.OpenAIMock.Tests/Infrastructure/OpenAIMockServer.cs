using System.ClientModel;
using System.ClientModel.Primitives;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using OpenAI;
using OpenAI.Realtime;

namespace Deckard.OpenAIMock.Tests.Infrastructure;

/// <summary>
/// The stand-in hosted in-process on Kestrel at http://127.0.0.1:{random port}, so the SDK talks to it over real
/// sockets (the Realtime client needs a real WebSocket). One instance serves every test in the collection.
/// </summary>
public sealed class OpenAIMockServer : IAsyncLifetime
{
    public const string ApiKey = "sk-test-stand-in";
    public const string AdminKey = "admin-test-key";

    private readonly StandInFactory _factory = new(new Dictionary<string, string?>
    {
        ["OpenAIMock:ApiKey"] = ApiKey,
        ["OpenAIMock:AdminKey"] = AdminKey,
        // Realtime audio paced at 20x real time: the pacing path runs, and a reply of a few seconds takes a few hundred ms.
        ["OpenAIMock:Realtime:PlaybackRate"] = "20",
        ["Logging:LogLevel:Default"] = "Warning",
    });

    public Uri BaseUri { get; private set; } = null!;

    /// <summary>The endpoint a client is configured with, e.g. http://127.0.0.1:5123/v1.</summary>
    public Uri V1 => new(BaseUri, "v1");

    public AdminClient Admin { get; private set; } = null!;

    public Task InitializeAsync()
    {
        _factory.UseKestrel(0);
        _factory.StartServer();
        var address = _factory.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses
            .First();
        BaseUri = new Uri(address.Replace("[::]", "127.0.0.1", StringComparison.Ordinal).Replace("localhost", "127.0.0.1", StringComparison.Ordinal) + "/");
        Admin = new AdminClient(new HttpClient { BaseAddress = BaseUri }, AdminKey);
        return Task.CompletedTask;
    }

    /// <summary>A client as Deckard builds one; no retries unless asked, so each failure is seen as the SDK reports it.</summary>
    public OpenAIClient Client(int maxRetries = 0, string apiKey = ApiKey) =>
        new(new ApiKeyCredential(apiKey), new OpenAIClientOptions
        {
            Endpoint = V1,
            RetryPolicy = new ClientRetryPolicy(maxRetries),
            NetworkTimeout = TimeSpan.FromSeconds(30),
        });

    public RealtimeClient Realtime(string apiKey = ApiKey) =>
        new(new ApiKeyCredential(apiKey), new RealtimeClientOptions { Endpoint = V1 });

    public HttpClient Http(string? apiKey = ApiKey)
    {
        var http = new HttpClient { BaseAddress = BaseUri };
        if (apiKey is not null)
        {
            http.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", apiKey);
        }

        return http;
    }

    public async Task DisposeAsync()
    {
        Admin?.Dispose();
        await _factory.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class OpenAIMockCollection : ICollectionFixture<OpenAIMockServer>
{
    /// <summary>Every test shares one stand-in and its script queues, so they run one at a time.</summary>
    public const string Name = "OpenAI stand-in";
}

/// <summary>Base for tests: the shared server, reset before each test so scripts and the journal start empty.</summary>
[Collection(OpenAIMockCollection.Name)]
public abstract class StandInTest(OpenAIMockServer server) : IAsyncLifetime
{
    protected OpenAIMockServer Server { get; } = server;

    protected AdminClient Admin => Server.Admin;

    public virtual Task InitializeAsync() => Server.Admin.ResetAsync();

    public virtual Task DisposeAsync() => Task.CompletedTask;
}
