using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Deckard.AppHost.Resources;

/// <summary>Marks a Deckard service project: the ready announcement lists it.</summary>
public sealed class DeckardServiceAnnotation : IResourceAnnotation;

public static class ProjectDefaults
{
    /// <summary>
    /// On Ctrl+C the dashboard stops first, and each service's last export to it then retries (in memory, as Aspire
    /// asks) until the OTLP timeout: 10 s by default, which DCP cuts short by killing the service. A dashboard on the
    /// same machine answers in milliseconds, so one second is ample and keeps a stop short.
    /// </summary>
    private const string ExportTimeoutVariable = "OTEL_EXPORTER_OTLP_TIMEOUT";
    private const string LocalExportTimeout = "1000";

    /// <summary>
    /// What every Deckard project gets from the AppHost: <c>/health</c> as its health check (what <c>WaitFor</c> waits
    /// on), a start straight from its build output, a restart when it crashes, and a place in the console's "Deckard is ready" summary. (Aspire itself
    /// points its telemetry at the dashboard.)
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceDefaults(this IResourceBuilder<ProjectResource> builder)
    {
        builder.ApplicationBuilder.Services.AddHttpClient();
        builder.ApplicationBuilder.Services.TryAddSingleton<ReplicaReadiness>();
        builder.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReadyAnnouncement>());
        // Plain HTTP locally: many machines (and CI) have no trusted development certificate, and nothing here needs
        // one, so none is configured and the dashboard does not warn about its absence.
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in 13.6; the only way to say "this project needs no certificate".
        builder.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
        return builder
            .WithAnnotation(new DeckardServiceAnnotation(), ResourceAnnotationMutationBehavior.Replace)
            .WithHttpHealthCheck("/health")
            .WithBuiltOutputLaunch()
            .WithRestartOnCrash()
            .WithEnvironment(ExportTimeoutVariable, LocalExportTimeout);
    }
}
