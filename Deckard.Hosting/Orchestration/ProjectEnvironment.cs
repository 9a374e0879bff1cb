using Deckard.Hosting.ApplicationModel;

namespace Deckard.Hosting.Orchestration;

/// <summary>
/// The environment a project replica is started with: the AppHost's own environment without what must not leak,
/// plus Aspire's contract (connection strings, service discovery, URLs, OpenTelemetry) and the project's own values.
/// </summary>
public static class ProjectEnvironment
{
    /// <summary>The AppHost's own settings that would mislead a child (Aspire's DCP drops the same).</summary>
    private static readonly string[] NotInherited =
        ["ASPNETCORE_URLS", "DOTNET_LAUNCH_PROFILE", "ASPNETCORE_ENVIRONMENT", "DOTNET_ENVIRONMENT", "HTTP_PORTS", "HTTPS_PORTS", "ASPNETCORE_HTTP_PORTS"];

    /// <summary>Prefixes of keys the AppHost sets for each child itself; inherited ones would be stale or another's.</summary>
    private static readonly string[] NotInheritedPrefixes = ["ConnectionStrings__", "services__", "OTEL_", "AppHost__", "Resources__", "Parameters__"];

    public static Dictionary<string, string> Build(
        ProjectResource project,
        int replicaIndex,
        string instanceId,
        AppHostOptions options,
        IReadOnlyDictionary<string, string> inherited)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var (key, value) in inherited)
        {
            if (!NotInherited.Contains(key, StringComparer.OrdinalIgnoreCase)
                && !NotInheritedPrefixes.Any(prefix => key.StartsWith(prefix, StringComparison.OrdinalIgnoreCase)))
            {
                environment[key] = value;
            }
        }

        environment["ASPNETCORE_URLS"] = project.Endpoints[replicaIndex].Url.ToString().TrimEnd('/');
        environment["ASPNETCORE_ENVIRONMENT"] = options.EnvironmentName;
        environment["DOTNET_ENVIRONMENT"] = options.EnvironmentName;
        environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "true";
        environment["LOGGING__CONSOLE__FORMATTERNAME"] = "simple";

        foreach (var reference in project.ConnectionReferences)
        {
            environment[$"ConnectionStrings__{reference.ConnectionName}"] = reference.Resource.GetConnectionString()
                ?? throw new InvalidOperationException($"'{reference.Resource.Name}' has no connection string yet; ports are allocated before projects start.");
        }

        foreach (var service in project.ServiceReferences)
        {
            var urls = service.GetEndpointUrls();
            for (var index = 0; index < urls.Count; index++)
            {
                environment[$"services__{service.Name}__http__{index}"] = urls[index].ToString().TrimEnd('/');
            }

            if (urls.Count > 0)
            {
                environment[$"{ToEnvironmentName(service.Name)}_HTTP"] = urls[0].ToString().TrimEnd('/');
            }
        }

        AddOpenTelemetry(environment, project, instanceId, options);

        foreach (var (key, value) in project.Environment)
        {
            environment[key] = value;
        }

        return environment;
    }

    private static void AddOpenTelemetry(Dictionary<string, string> environment, ProjectResource project, string instanceId, AppHostOptions options)
    {
        environment["OTEL_SERVICE_NAME"] = project.Name;
        environment["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instanceId}";
        if (string.IsNullOrWhiteSpace(options.OtlpEndpointUrl))
        {
            return;
        }

        environment["OTEL_EXPORTER_OTLP_ENDPOINT"] = options.OtlpEndpointUrl;
        environment["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        environment["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        if (options.IsDevelopment)
        {
            // Aspire's short intervals, so a person sees telemetry within a second. Message content capture for
            // gen_ai spans is deliberately not switched on: transcripts and prompts are personal data.
            environment["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
            environment["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
            environment["OTEL_TRACES_SAMPLER"] = "always_on";
            environment["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
        }
    }

    /// <summary><c>runpod-mock</c> → <c>RUNPOD_MOCK</c>, as Aspire 13 names endpoint variables.</summary>
    public static string ToEnvironmentName(string resourceName) =>
        resourceName.Replace('-', '_').ToUpperInvariant();
}
