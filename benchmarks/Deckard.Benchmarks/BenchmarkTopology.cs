using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deckard.Benchmarks;

/// <summary>
/// The AppHost's topology started through Aspire.Hosting.Testing for a benchmark: a fresh state folder, random ports,
/// no dashboard (nothing exports telemetry, so nothing measured pays for it), every service healthy before it returns.
/// </summary>
internal sealed class BenchmarkTopology : IAsyncDisposable
{
    private static readonly string[] Services = ["deckard", "redis", "openai-mock", "runpod-mock", "api", "workers"];
    private readonly string _state;

    private BenchmarkTopology(DistributedApplication app, string state, string developmentApiKey)
    {
        App = app;
        _state = state;
        DevelopmentApiKey = developmentApiKey;
    }

    /// <summary>This run's development key: the api's clients send it.</summary>
    public string DevelopmentApiKey { get; }

    public DistributedApplication App { get; }

    /// <summary>Starts it with the AppHost's <paramref name="settings"/>, and <paramref name="apiEnvironment"/> set on the api alone.</summary>
    public static async Task<BenchmarkTopology> StartAsync(IReadOnlyDictionary<string, string> settings, IReadOnlyDictionary<string, string>? apiEnvironment = null)
    {
        var state = Directory.CreateTempSubdirectory("deckard-bench-").FullName;
        File.SetUnixFileMode(state, (UnixFileMode)0b111_101_101);
        var developmentApiKey = $"bench-key-{Guid.NewGuid():N}";
        // The services alone: the web app's dev server is no part of what the pipeline benchmarks measure.
        string[] args = [$"--AppHost:StateDirectory={state}", $"--DECKARD_DEV_API_KEY={developmentApiKey}", "--AppHost:WebApp=false", .. settings.Select(pair => $"--{pair.Key}={pair.Value}")];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Deckard_AppHost>(args, (options, _) => options.DisableDashboard = true);
        // The figures are the output: the host's own request logging would bury them.
        // A server's health check fails while it starts, which Aspire logs as an error: expected, and not a figure.
        builder.Services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Warning)
            .AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None));
        foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
        {
            builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
        }

        var api = builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(project => project.Name == "api"));
        // The benchmark is one principal doing the work of many: no per-principal limit may be what it measures.
        foreach (var (name, value) in UnlimitedQuotas.Concat(apiEnvironment ?? new Dictionary<string, string>()))
        {
            api.WithEnvironment(name, value);
        }

        var app = await builder.BuildAsync();
        await app.StartAsync();
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        await Task.WhenAll(Services.Select(name => app.ResourceNotifications.WaitForResourceHealthyAsync(name, deadline.Token)));
        return new BenchmarkTopology(app, state, developmentApiKey);
    }

    public HttpClient CreateHttpClient(string resourceName)
    {
        var client = App.CreateHttpClient(resourceName, "http");
        if (resourceName == "api")
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DevelopmentApiKey);
        }

        return client;
    }

    private static readonly Dictionary<string, string> UnlimitedQuotas = new()
    {
        ["Quotas__RequestsPerMinute"] = "1000000",
        ["Quotas__SessionsPerMinute"] = "100000",
        ["Quotas__MaxActiveSessions"] = "100000",
        ["Quotas__MaxLiveConversations"] = "10000",
        ["Quotas__DailyTokens"] = "1000000000000",
        ["Quotas__DailyGpuSeconds"] = "1000000000",
    };

    public async Task<string> ConnectionStringAsync(string resourceName) => (await App.GetConnectionStringAsync(resourceName))!;

    /// <summary>The api's own process (not a <c>dotnet run</c> in front of it, should Aspire start it its own way).</summary>
    public async Task<int> ApiProcessIdAsync()
    {
        var api = await App.ResourceNotifications.WaitForResourceHealthyAsync("api");
        var runner = Convert.ToInt32(api.Snapshot.Properties.Single(property => property.Name == "executable.pid").Value, CultureInfo.InvariantCulture);
        return ProcessMemory.Descendants(runner).Prepend(runner)
            .First(pid => ProcessMemory.CommandLine(pid) is var line && line.Contains("/Deckard.Api", StringComparison.Ordinal) && !line.Contains("dotnet run", StringComparison.Ordinal));
    }

    public async ValueTask DisposeAsync()
    {
        await App.DisposeAsync();
        Directory.Delete(_state, recursive: true);
    }
}
