using Deckard.Hosting;
using Deckard.Hosting.Orchestration;

namespace Deckard.UnitTests.Hosting;

public sealed class ResourceNotificationServiceTests
{
    private static ResourceSnapshot Snapshot(string name, ResourceState state, HealthStatus health) =>
        new(name, "Project", [new ReplicaSnapshot(name, "abcdefgh", state, health, null, 1, null, 0, null, null)], IsExternal: false);

    [Fact]
    public async Task A_waiter_for_healthy_is_released_by_the_change_that_makes_the_resource_healthy()
    {
        var notifications = new ResourceNotificationService();
        notifications.Publish(Snapshot("api", ResourceState.Starting, HealthStatus.Unknown));

        var waiting = notifications.WaitForResourceHealthyAsync("api");
        notifications.Publish(Snapshot("api", ResourceState.Running, HealthStatus.Unhealthy));
        Assert.False(waiting.IsCompleted);
        notifications.Publish(Snapshot("api", ResourceState.Running, HealthStatus.Healthy));

        var snapshot = await waiting.WaitAsync(TimeSpan.FromSeconds(5));
        Assert.True(snapshot.IsHealthy);
    }

    [Fact]
    public async Task Waiting_for_all_healthy_fails_fast_when_a_resource_failed_to_start()
    {
        var notifications = new ResourceNotificationService();
        notifications.Publish(Snapshot("api", ResourceState.Running, HealthStatus.Healthy));
        notifications.Publish(Snapshot("postgres", ResourceState.Starting, HealthStatus.Unknown));

        var waiting = notifications.WaitForAllHealthyAsync();
        notifications.Publish(Snapshot("postgres", ResourceState.FailedToStart, HealthStatus.Unknown));

        var error = await Assert.ThrowsAsync<DeckardHostingException>(() => waiting.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.Contains("'postgres' failed to start", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_running_replica_shows_its_health_beside_its_state()
    {
        var snapshot = Snapshot("api", ResourceState.Running, HealthStatus.Healthy);

        Assert.Equal("Running (Healthy)", snapshot.DisplayState);
        Assert.Equal("Exited", Snapshot("api", ResourceState.Exited, HealthStatus.Unknown).DisplayState);
    }
}
