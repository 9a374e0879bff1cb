using System.Diagnostics.CodeAnalysis;

namespace Deckard.Core.StableAvatar;

/// <summary>
/// After N outages in a row the circuit opens: renders fail at once (a dead pod should fail sessions fast, not after
/// minutes of retries) until the open period ends. Then exactly one render is let through as a probe while the others
/// keep failing fast; its success closes the circuit, its outage opens it again for another period. Only outages
/// count: a job the app refused (a person's bad portrait) shows the pod is answering.
/// </summary>
public sealed class CircuitBreaker(int failureThreshold, TimeSpan openFor, TimeProvider timeProvider)
{
    private readonly Lock _gate = new();
    private int _consecutiveOutages;
    private DateTimeOffset? _openUntil;
    private bool _probing;

    /// <summary>
    /// A permit to render, or false with the time the circuit may let a render through again (null while a probe
    /// render is deciding it).
    /// </summary>
    public bool TryEnter([NotNullWhen(true)] out Permit? permit, out DateTimeOffset? retryAt)
    {
        lock (_gate)
        {
            var now = timeProvider.GetUtcNow();
            if (_openUntil is { } until)
            {
                if (now < until)
                {
                    (permit, retryAt) = (null, until);
                    return false;
                }

                if (_probing)
                {
                    (permit, retryAt) = (null, null);
                    return false;
                }

                _probing = true;
                (permit, retryAt) = (new Permit(this, isProbe: true), null);
                return true;
            }

            (permit, retryAt) = (new Permit(this, isProbe: false), null);
            return true;
        }
    }

    /// <summary>True while renders are refused without being tried (open, or a probe is under way).</summary>
    public bool IsOpen
    {
        get
        {
            lock (_gate)
            {
                return _openUntil is not null;
            }
        }
    }

    private void Succeeded(bool isProbe)
    {
        lock (_gate)
        {
            _consecutiveOutages = 0;
            _openUntil = null;
            _probing &= !isProbe;
        }
    }

    private void Failed(bool isProbe)
    {
        lock (_gate)
        {
            _consecutiveOutages++;
            if (isProbe || _consecutiveOutages >= failureThreshold)
            {
                _openUntil = timeProvider.GetUtcNow() + openFor;
            }

            _probing &= !isProbe;
        }
    }

    /// <summary>A probe that ended without an outcome (cancelled): the next render probes instead.</summary>
    private void Abandoned(bool isProbe)
    {
        lock (_gate)
        {
            _probing &= !isProbe;
        }
    }

    /// <summary>One render's pass through the circuit; report how it went, or dispose it if it never finished.</summary>
    public sealed class Permit(CircuitBreaker circuit, bool isProbe) : IDisposable
    {
        private bool _reported;

        public bool IsProbe => isProbe;

        public void Succeeded()
        {
            _reported = true;
            circuit.Succeeded(isProbe);
        }

        public void Failed()
        {
            _reported = true;
            circuit.Failed(isProbe);
        }

        public void Dispose()
        {
            if (!_reported)
            {
                _reported = true;
                circuit.Abandoned(isProbe);
            }
        }
    }
}
