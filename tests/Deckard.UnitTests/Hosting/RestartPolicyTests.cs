using Deckard.Hosting.Orchestration;

namespace Deckard.UnitTests.Hosting;

public sealed class RestartPolicyTests
{
    private static readonly RestartPolicy Policy = new(TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(10), TimeSpan.FromMinutes(1));

    [Theory]
    [InlineData(1, 1)]
    [InlineData(2, 2)]
    [InlineData(3, 4)]
    [InlineData(4, 8)]
    [InlineData(5, 10)]
    [InlineData(40, 10)]
    public void Consecutive_crashes_back_off_exponentially_up_to_the_cap(int failures, int expectedSeconds) =>
        Assert.Equal(TimeSpan.FromSeconds(expectedSeconds), Policy.DelayBeforeRestart(failures));

    [Fact]
    public void A_crash_soon_after_start_counts_towards_the_backoff()
    {
        var failures = Policy.NextConsecutiveFailures(3, uptime: TimeSpan.FromSeconds(5));

        Assert.Equal(4, failures);
    }

    [Fact]
    public void A_crash_after_a_stable_run_is_restarted_at_once_again()
    {
        var failures = Policy.NextConsecutiveFailures(6, uptime: TimeSpan.FromMinutes(5));

        Assert.Equal(1, failures);
        Assert.Equal(TimeSpan.FromSeconds(1), Policy.DelayBeforeRestart(failures));
    }

    [Fact]
    public void The_default_policy_restarts_a_first_crash_within_a_second() =>
        Assert.True(RestartPolicy.Default.DelayBeforeRestart(1) <= TimeSpan.FromSeconds(1));
}
