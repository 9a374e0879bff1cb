namespace Deckard.Hosting;

/// <summary>The AppHost's own settings, bound from the <c>AppHost</c> configuration section.</summary>
public sealed class AppHostOptions
{
    public const string SectionName = "AppHost";

    /// <summary>Postgres data, Redis append-only file, generated secrets. Default: <c>.deckard/</c> in the repository root.</summary>
    public string StateDirectory { get; set; } = "";

    /// <summary>Ignore the stable development ports and give every endpoint a free port (tests).</summary>
    public bool RandomizePorts { get; set; }

    /// <summary>The environment given to every project (<c>ASPNETCORE_ENVIRONMENT</c>, <c>DOTNET_ENVIRONMENT</c>).</summary>
    public string EnvironmentName { get; set; } = "Development";

    /// <summary>
    /// Where projects export telemetry (<c>OTEL_EXPORTER_OTLP_ENDPOINT</c>), gRPC. Unset: no exporter, since nothing
    /// would receive it (and the in-memory retry of a dead endpoint only grows).
    /// </summary>
    public string? OtlpEndpointUrl { get; set; }

    /// <summary>Echo every resource's console output to the AppHost's console, prefixed with its name.</summary>
    public bool PrintResourceLogs { get; set; } = true;

    /// <summary>Print the resources table once everything is healthy.</summary>
    public bool PrintSummary { get; set; } = true;

    /// <summary>How long a process gets to exit after its stop signal before it is killed.</summary>
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>Lines of console output kept per replica.</summary>
    public int LogBufferLines { get; set; } = 10_000;

    /// <summary>Delete the state folder when the application is disposed (tests' fresh folders).</summary>
    public bool DeleteStateOnDispose { get; set; }

    public bool IsDevelopment => string.Equals(EnvironmentName, "Development", StringComparison.OrdinalIgnoreCase);
}
