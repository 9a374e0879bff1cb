using System.Collections.Concurrent;

namespace Deckard.AppHost.Resources;

/// <summary>
/// Whether every instance of a service answers on its own address. Aspire checks a replicated service's health through
/// the proxy its replicas share, so one replica that answers marks them all Healthy, one still starting included, and
/// the proxy may hand that one a request.
/// </summary>
public sealed class ReplicaReadiness(ResourceNotificationService notifications, IHttpClientFactory httpClients)
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    /// <summary>
    /// Waits until each of <paramref name="services"/> that has more than one replica has them all running and answering
    /// <c>/health</c> themselves.
    /// </summary>
    public async Task WaitUntilEveryReplicaAnswersAsync(IReadOnlyList<ProjectResource> services, CancellationToken cancellationToken)
    {
        var instances = new ConcurrentDictionary<string, ResourceEvent>(StringComparer.Ordinal);
        using var stopWatching = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var watching = WatchAsync(services, instances, stopWatching.Token);
        try
        {
            using var client = httpClients.CreateClient(nameof(ReplicaReadiness));
            client.Timeout = ProbeTimeout;
            while (!await EveryReplicaAnswersAsync(services, instances.Values, client, cancellationToken))
            {
                await Task.Delay(PollInterval, cancellationToken);
            }
        }
        finally
        {
            await stopWatching.CancelAsync();
            await watching;
        }
    }

    /// <summary>The address a service instance listens on itself: the first of the ASPNETCORE_URLS it was started with.</summary>
    public static Uri? OwnAddress(ResourceEvent instance) =>
        instance.Snapshot.EnvironmentVariables.FirstOrDefault(variable => variable.Name == "ASPNETCORE_URLS")?.Value is { Length: > 0 } urls
            ? new Uri(urls.Split(';')[0])
            : null;

    private async Task WatchAsync(IReadOnlyList<ProjectResource> services, ConcurrentDictionary<string, ResourceEvent> instances, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(cancellationToken))
            {
                if (change.Resource is ProjectResource project && services.Contains(project))
                {
                    instances[change.ResourceId] = change;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static async Task<bool> EveryReplicaAnswersAsync(
        IReadOnlyList<ProjectResource> services, ICollection<ResourceEvent> instances, HttpClient client, CancellationToken cancellationToken)
    {
        var addresses = new List<Uri?>();
        // A service of one replica was asked through the proxy by its health check: that was the replica itself.
        foreach (var service in services.Where(service => service.GetReplicaCount() > 1))
        {
            var running = instances.Where(instance => instance.Resource == service && instance.Snapshot.State?.Text == KnownResourceStates.Running).ToList();
            if (running.Count < service.GetReplicaCount())
            {
                return false;
            }

            addresses.AddRange(running.Select(OwnAddress));
        }

        if (addresses.Contains(null))
        {
            return false;
        }

        return await AllAnswerAsync(client, addresses.OfType<Uri>(), cancellationToken);
    }

    /// <summary>Whether every instance at <paramref name="addresses"/> answers <c>/health</c>, all asked at once.</summary>
    public static async Task<bool> AllAnswerAsync(HttpClient client, IEnumerable<Uri> addresses, CancellationToken cancellationToken)
    {
        var answers = await Task.WhenAll(addresses.Select(address => AnswersAsync(client, address, cancellationToken)));
        return answers.All(answered => answered);
    }

    /// <summary>Whether the instance at <paramref name="address"/> answers <c>/health</c> with success (no answer in time is a no).</summary>
    private static async Task<bool> AnswersAsync(HttpClient client, Uri address, CancellationToken cancellationToken)
    {
        try
        {
            using var response = await client.GetAsync(new Uri(address, "/health"), cancellationToken);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (TaskCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
