namespace Deckard.Hosting.Console;

/// <summary>
/// The last N lines of one replica's console output, kept across restarts (a process that dies at start-up leaves
/// its reason here), for the dashboard and for test failure messages.
/// </summary>
public sealed class ResourceLogBuffer(int capacity)
{
    private readonly Queue<ResourceLogLine> _lines = new();
    private readonly Lock _gate = new();

    public int Capacity { get; } = capacity > 0 ? capacity : throw new ArgumentOutOfRangeException(nameof(capacity));

    /// <summary>Lines dropped because the buffer was full.</summary>
    public long Dropped { get; private set; }

    public void Add(ResourceLogLine line)
    {
        lock (_gate)
        {
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
                Dropped++;
            }

            _lines.Enqueue(line);
        }
    }

    public IReadOnlyList<ResourceLogLine> Snapshot()
    {
        lock (_gate)
        {
            return [.. _lines];
        }
    }
}
