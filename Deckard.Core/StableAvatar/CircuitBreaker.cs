namespace Deckard.Core.StableAvatar;

/// <summary>
/// After N failed renders in a row the circuit opens: renders fail at once (a dead pod should fail sessions fast, not
/// after minutes of retries) until the open period ends; then one render is let through to try again.
/// </summary>
public sealed class CircuitBreaker(int failureThreshold, TimeSpan openFor, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private int _consecutiveFailures;
    private DateTimeOffset? _openUntil;

    /// <summary>When the circuit is open, the time it closes again; null when calls may go through.</summary>
    public DateTimeOffset? OpenUntil
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is { } until && until > timeProvider.GetUtcNow() ? until : null;
            }
        }
    }

    public void RecordSuccess()
    {
        lock (_gate)
        {
            _consecutiveFailures = 0;
            _openUntil = null;
        }
    }

    public void RecordFailure()
    {
        lock (_gate)
        {
            _consecutiveFailures++;
            if (_consecutiveFailures >= failureThreshold)
            {
                _openUntil = timeProvider.GetUtcNow() + openFor;
            }
        }
    }
}
