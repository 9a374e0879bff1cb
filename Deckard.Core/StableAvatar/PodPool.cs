using Microsoft.Extensions.Options;

namespace Deckard.Core.StableAvatar;

/// <summary>
/// The pods renders may go to (<c>StableAvatar:BaseUrl</c> and <c>StableAvatar:AdditionalUrls</c>), each with its own
/// circuit breaker. A Gradio app renders one job at a time, so more renders at once need more pods; every Workers
/// replica shares them, so the choice asks each pod how long its queue is rather than trusting its own count alone.
/// </summary>
public sealed class PodPool
{
    private int _rotation;

    public PodPool(IOptions<StableAvatarOptions> options, TimeProvider timeProvider)
    {
        var settings = options.Value;
        Pods = [.. settings.PodUrls().Select(url => new Pod(url, new CircuitBreaker(settings.CircuitBreakerFailures, settings.CircuitBreakerOpenFor, timeProvider)))];
    }

    public IReadOnlyList<Pod> Pods { get; }

    /// <summary>
    /// The pods in the order a render should try them: shortest load first (the pod's own queue, where known, plus
    /// this process's renders on it), ties taken in turn so that an idle pool is used evenly.
    /// </summary>
    public async Task<IReadOnlyList<Pod>> RankAsync(Func<Pod, Task<int?>> queueLength)
    {
        if (Pods.Count == 1)
        {
            return Pods;
        }

        var start = (int)((uint)Interlocked.Increment(ref _rotation) % (uint)Pods.Count);
        var loads = await Task.WhenAll(Pods.Select(async (pod, index) =>
            (Pod: pod, Load: (await queueLength(pod) ?? 0) + pod.Renders, Turn: (index - start + Pods.Count) % Pods.Count)));
        return [.. loads.OrderBy(entry => entry.Load).ThenBy(entry => entry.Turn).Select(entry => entry.Pod)];
    }
}
