using Deckard.Hosting.Console;
using Deckard.Hosting.Processes;
using Microsoft.Extensions.Configuration;

namespace Deckard.Hosting.Orchestration;

/// <summary>What every launcher and supervisor shares for one run of the application.</summary>
internal sealed class HostingContext(
    AppHostOptions options,
    IConfiguration configuration,
    ProcessLauncher processLauncher,
    TimeProvider timeProvider,
    IReadOnlyDictionary<string, string> inheritedEnvironment)
{
    public AppHostOptions Options { get; } = options;

    public IConfiguration Configuration { get; } = configuration;

    public ProcessLauncher ProcessLauncher { get; } = processLauncher;

    public TimeProvider TimeProvider { get; } = timeProvider;

    /// <summary>The AppHost's environment, read once at start.</summary>
    public IReadOnlyDictionary<string, string> InheritedEnvironment { get; } = inheritedEnvironment;

    public RestartPolicy RestartPolicy { get; init; } = RestartPolicy.Default;

    /// <summary>One client for every HTTP health probe.</summary>
    public HttpClient HealthClient { get; } = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) });

    public IResourceLogSink? LogSink { get; init; }

    public static IReadOnlyDictionary<string, string> CurrentEnvironment() =>
        Environment.GetEnvironmentVariables()
            .Cast<System.Collections.DictionaryEntry>()
            .ToDictionary(entry => (string)entry.Key, entry => (string?)entry.Value ?? "", StringComparer.Ordinal);
}
