namespace Deckard.Core.StableAvatar;

/// <summary>
/// One StableAvatar pod: its address, its own circuit breaker (one dead pod must not stop the others), the renders
/// this process has on it now, and the app as last discovered there (its route prefix locates the queue's status).
/// </summary>
public sealed class Pod(Uri baseUrl, CircuitBreaker circuit)
{
    private int _renders;

    public Uri BaseUrl { get; } = baseUrl;

    public CircuitBreaker Circuit { get; } = circuit;

    /// <summary>Renders this process has on the pod (uploading, queued, rendering or downloading).</summary>
    public int Renders => Volatile.Read(ref _renders);

    public GradioApp? LastDiscovered { get; set; }

    /// <summary>Counts a render on the pod until the returned handle is disposed.</summary>
    public IDisposable Track()
    {
        Interlocked.Increment(ref _renders);
        return new Tracked(this);
    }

    private sealed class Tracked(Pod pod) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                Interlocked.Decrement(ref pod._renders);
            }
        }
    }
}
