using Deckard.AppHost.Resources;

namespace Deckard.AppHost.Tests;

public sealed class CrashRestartPolicyTests
{
    [Theory]
    [InlineData("Running", "Finished", true)]    // killed, crashed, OOM
    [InlineData("Running", "Exited", true)]
    [InlineData("Starting", "Finished", true)]   // died while starting
    [InlineData("Stopping", "Finished", false)]  // a stop from the dashboard or a command
    [InlineData("Finished", "Finished", false)]  // the same state reported again
    [InlineData(null, "Finished", false)]        // first sight of it
    [InlineData("Running", "Running", false)]
    public void Only_an_exit_nobody_asked_for_is_a_crash(string? previous, string current, bool crash) =>
        Assert.Equal(crash, CrashRestartPolicy.IsCrash(previous, current));

    [Fact]
    public void The_delay_doubles_from_half_a_second_and_stops_at_thirty()
    {
        var delays = Enumerable.Range(0, 10).Select(restarts => CrashRestartPolicy.Delay(restarts, TimeSpan.FromMilliseconds(500), TimeSpan.FromSeconds(30)).TotalSeconds);

        Assert.Equal([0.5, 1, 2, 4, 8, 16, 30, 30, 30, 30], delays);
    }
}
