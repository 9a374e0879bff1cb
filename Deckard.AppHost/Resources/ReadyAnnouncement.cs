using System.Diagnostics;
using System.Text;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deckard.AppHost.Resources;

/// <summary>
/// Once every Deckard service is healthy, each of its replicas included, one console summary: where each one answers,
/// and how to stop. The dashboard's login URL is printed by Aspire above it.
/// </summary>
internal sealed class ReadyAnnouncement(
    DistributedApplicationModel model, ResourceNotificationService notifications, ReplicaReadiness replicas, ILogger<ReadyAnnouncement> logger)
    : BackgroundService
{
    public const string ReadyLine = "Deckard is ready";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var services = model.Resources.OfType<ProjectResource>()
            .Where(project => project.HasAnnotationOfType<DeckardServiceAnnotation>())
            .OrderBy(project => project.Name, StringComparer.Ordinal)
            .ToList();
        try
        {
            await Task.WhenAll(services.Select(service => notifications.WaitForResourceHealthyAsync(service.Name, stoppingToken)));
            await replicas.WaitUntilEveryReplicaAnswersAsync(services, stoppingToken);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            return;
        }

        var summary = new StringBuilder()
            .Append(ReadyLine).Append(" (").Append(SinceLaunch().TotalSeconds.ToString("0.0", System.Globalization.CultureInfo.InvariantCulture)).AppendLine(" s):");
        foreach (var service in services)
        {
            var replicas = service.GetReplicaCount();
            var address = service.GetEndpoint("http").Url;
            summary.Append("  ").Append(service.Name.PadRight(12)).Append(' ').Append(address)
                .Append(replicas > 1 ? $"  ({replicas} replicas behind one proxy)" : "")
                .Append(service.Name == "api" ? $"  (API reference: {address}/scalar)" : "")
                .AppendLine();
        }

        // The web app is not waited for: it is a convenience, and its dev server needs Node.js.
        foreach (var web in model.Resources.OfType<ExecutableResource>().Where(resource => resource.HasAnnotationOfType<WebAppAnnotation>()))
        {
            summary.Append("  ").Append(web.Name.PadRight(12)).Append(' ').Append(web.GetEndpoint("http").Url).AppendLine("  (the web app)");
        }

        foreach (var service in services)
        {
            if (service.TryGetLastAnnotation<DevelopmentApiKeyAnnotation>(out var key))
            {
                summary.Append("  ").Append(service.Name).Append(" takes 'Authorization: Bearer ").Append(key.Description).AppendLine("' (the development key).");
            }
        }

        summary.Append("Press Ctrl+C to stop everything.");
        logger.LogInformation("{Summary}", summary.ToString());
    }

    /// <summary>
    /// Time since the AppHost's process started: Aspire may start this service only once it has launched the resources,
    /// sometimes after they are healthy, so a stopwatch of its own would read near zero.
    /// </summary>
    private static TimeSpan SinceLaunch()
    {
        using var self = Process.GetCurrentProcess();
        return DateTime.Now - self.StartTime;
    }
}
