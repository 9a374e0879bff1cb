namespace Deckard.Hosting.Orchestration;

/// <summary>
/// The current snapshot of every resource, and waits on them (Aspire's <c>ResourceNotificationService</c>):
/// a change wakes every waiter, which re-checks its condition; no polling.
/// </summary>
public sealed class ResourceNotificationService
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ResourceSnapshot> _snapshots = new(StringComparer.Ordinal);
    private TaskCompletionSource _changed = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Raised after every change, outside the lock.</summary>
    public event Action<ResourceSnapshot>? Changed;

    public IReadOnlyList<ResourceSnapshot> All
    {
        get
        {
            lock (_gate)
            {
                return [.. _snapshots.Values];
            }
        }
    }

    public ResourceSnapshot Get(string name)
    {
        lock (_gate)
        {
            return _snapshots.TryGetValue(name, out var snapshot)
                ? snapshot
                : throw new KeyNotFoundException($"No resource named '{name}'. Known: {string.Join(", ", _snapshots.Keys)}.");
        }
    }

    internal void Publish(ResourceSnapshot snapshot) => Update(snapshot.Name, _ => snapshot);

    internal ResourceSnapshot Update(string name, Func<ResourceSnapshot, ResourceSnapshot> update)
    {
        ResourceSnapshot updated;
        TaskCompletionSource changed;
        lock (_gate)
        {
            updated = _snapshots.TryGetValue(name, out var current) ? update(current) : update(null!);
            _snapshots[name] = updated;
            changed = _changed;
            _changed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        changed.TrySetResult();
        Changed?.Invoke(updated);
        return updated;
    }

    /// <summary>Waits until <paramref name="condition"/> holds for the resource, and returns the snapshot that satisfied it.</summary>
    public async Task<ResourceSnapshot> WaitForResourceAsync(
        string name, Func<ResourceSnapshot, bool> condition, CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                if (_snapshots.TryGetValue(name, out var snapshot) && condition(snapshot))
                {
                    return snapshot;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }

    public Task<ResourceSnapshot> WaitForResourceHealthyAsync(string name, CancellationToken cancellationToken = default) =>
        WaitForResourceAsync(name, snapshot => snapshot.IsHealthy, cancellationToken);

    public async Task WaitForAllHealthyAsync(CancellationToken cancellationToken = default)
    {
        while (true)
        {
            Task changed;
            lock (_gate)
            {
                var failed = _snapshots.Values.FirstOrDefault(snapshot => snapshot.HasFailed);
                if (failed is not null)
                {
                    throw new DeckardHostingException($"Resource '{failed.Name}' failed to start; see its console output.");
                }

                if (_snapshots.Count > 0 && _snapshots.Values.All(snapshot => snapshot.IsHealthy))
                {
                    return;
                }

                changed = _changed.Task;
            }

            await changed.WaitAsync(cancellationToken);
        }
    }
}
