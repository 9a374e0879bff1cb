using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Faults;

/// <summary>The armed failures and the simulated pod boot. Each fault fires at its trigger point until its count runs out.</summary>
public sealed class FaultBoard(TimeProvider clock, ILogger<FaultBoard> logger)
{
    private readonly Lock _gate = new();
    private readonly List<ArmedFault> _armed = [];
    private DateTimeOffset? _bootUntil;
    private long _nextId;

    public ArmedFault Arm(FaultSpec spec)
    {
        lock (_gate)
        {
            var fault = new ArmedFault(++_nextId, spec, clock.GetUtcNow());
            if (spec.Kind == FaultKind.PodBooting)
            {
                StartBootLocked(TimeSpan.FromSeconds(spec.Seconds!.Value));
            }
            else
            {
                _armed.Add(fault);
            }

            logger.LogInformation("Armed fault {FaultId}: {Fault}", fault.Id, spec.Describe());
            return fault;
        }
    }

    /// <summary>Starts (or extends) the simulated boot: the proxy answers 502 until it ends.</summary>
    public void StartBoot(TimeSpan duration)
    {
        lock (_gate)
        {
            StartBootLocked(duration);
        }
    }

    private void StartBootLocked(TimeSpan duration)
    {
        var until = clock.GetUtcNow() + duration;
        if (_bootUntil is null || until > _bootUntil)
        {
            _bootUntil = until;
        }
    }

    /// <summary>How long the pod still boots, or null once it listens.</summary>
    public TimeSpan? BootRemaining()
    {
        lock (_gate)
        {
            if (_bootUntil is not { } until)
            {
                return null;
            }

            var remaining = until - clock.GetUtcNow();
            if (remaining > TimeSpan.Zero)
            {
                return remaining;
            }

            _bootUntil = null;
            return null;
        }
    }

    /// <summary>Fires the oldest armed fault of the kind (whose match, if any, is in <paramref name="path"/>), counting it down.</summary>
    public FaultSpec? TryConsume(FaultKind kind, string? path = null)
    {
        lock (_gate)
        {
            var fault = _armed.FirstOrDefault(armed => armed.Spec.Kind == kind
                && (armed.Spec.Match is null || (path?.Contains(armed.Spec.Match, StringComparison.Ordinal) ?? false)));
            if (fault is null)
            {
                return null;
            }

            fault.Fired++;
            if (fault.Spec.Count is { } count && fault.Fired >= count)
            {
                _armed.Remove(fault);
            }

            logger.LogInformation("Fault {FaultId} fired: {Fault} ({Fired} so far)", fault.Id, fault.Spec.Describe(), fault.Fired);
            return fault.Spec;
        }
    }

    public bool IsArmed(FaultKind kind)
    {
        lock (_gate)
        {
            return _armed.Any(armed => armed.Spec.Kind == kind);
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _armed.Clear();
            _bootUntil = null;
        }
    }

    public JsonObject Snapshot()
    {
        var boot = BootRemaining();
        lock (_gate)
        {
            return new JsonObject
            {
                ["booting_seconds_left"] = boot is { } left ? Math.Round(left.TotalSeconds, 3) : null,
                ["armed"] = new JsonArray([.. _armed.Select(fault => (JsonNode)fault.Snapshot())]),
            };
        }
    }
}

public sealed class ArmedFault(long id, FaultSpec spec, DateTimeOffset armedAt)
{
    public long Id { get; } = id;

    public FaultSpec Spec { get; } = spec;

    public DateTimeOffset ArmedAt { get; } = armedAt;

    public int Fired { get; set; }

    public JsonObject Snapshot() => new()
    {
        ["id"] = Id,
        ["kind"] = Spec.Kind.ToName(),
        ["count"] = Spec.Count,
        ["fired"] = Fired,
        ["message"] = Spec.Message,
        ["seconds"] = Spec.Seconds,
        ["after_bytes"] = Spec.AfterBytes,
        ["match"] = Spec.Match,
        ["armed_at"] = ArmedAt,
    };
}
