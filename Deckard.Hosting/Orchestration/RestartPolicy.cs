namespace Deckard.Hosting.Orchestration;

/// <summary>
/// When a process dies on its own, wait <c>InitialDelay × 2^(n-1)</c> (capped at <see cref="MaxDelay"/>) before the
/// n-th consecutive restart. A process that stayed up at least <see cref="StableAfter"/> starts the count again,
/// so one crash a day is restarted at once while a crash loop backs off.
/// </summary>
public sealed record RestartPolicy(TimeSpan InitialDelay, TimeSpan MaxDelay, TimeSpan StableAfter)
{
    public static RestartPolicy Default { get; } = new(TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30), TimeSpan.FromSeconds(60));

    /// <summary>The failure count after a process that ran for <paramref name="uptime"/> exited.</summary>
    public int NextConsecutiveFailures(int consecutiveFailures, TimeSpan uptime) =>
        uptime >= StableAfter ? 1 : consecutiveFailures + 1;

    /// <summary>The delay before the restart that follows the <paramref name="consecutiveFailures"/>-th failure in a row.</summary>
    public TimeSpan DelayBeforeRestart(int consecutiveFailures)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(consecutiveFailures, 1);
        var exponent = Math.Min(consecutiveFailures - 1, 30);
        var delay = InitialDelay.TotalMilliseconds * Math.Pow(2, exponent);
        return TimeSpan.FromMilliseconds(Math.Min(delay, MaxDelay.TotalMilliseconds));
    }
}
