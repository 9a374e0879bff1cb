using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;

namespace Deckard.AppHost.Resources;

/// <summary>Marks a Deckard service project: the ready announcement lists it.</summary>
public sealed class DeckardServiceAnnotation : IResourceAnnotation;

public static class ProjectDefaults
{
    /// <summary>
    /// What every Deckard project gets from the AppHost: <c>/health</c> as its health check (what <c>WaitFor</c> waits
    /// on), a restart when it crashes, and a place in the console's "Deckard is ready" summary. (Aspire itself
    /// points its telemetry at the dashboard.)
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithServiceDefaults(this IResourceBuilder<ProjectResource> builder)
    {
        builder.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, ReadyAnnouncement>());
        // Plain HTTP locally: many machines (and CI) have no trusted development certificate, and nothing here needs
        // one, so none is configured and the dashboard does not warn about its absence.
#pragma warning disable ASPIRECERTIFICATES001 // Experimental in 13.6; the only way to say "this project needs no certificate".
        builder.WithoutHttpsCertificate();
#pragma warning restore ASPIRECERTIFICATES001
        return builder
            .WithAnnotation(new DeckardServiceAnnotation(), ResourceAnnotationMutationBehavior.Replace)
            .WithHttpHealthCheck("/health")
            .WithRestartOnCrash();
    }
}
