using System.Diagnostics;
using Deckard.AppHost.Resources;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Deckard.AppHost.Tests;

/// <summary>A resource is seen healthy the moment it answers, not at Aspire's next poll (1 to 5 s later).</summary>
public sealed class PromptHealthCheckTests
{
    [Fact]
    public async Task A_resource_that_becomes_ready_during_the_check_is_reported_healthy_at_once()
    {
        var ready = Stopwatch.StartNew();
        var check = new PromptHealthChecks.PatientCheck(new ReadyAfter(ready, TimeSpan.FromMilliseconds(400)), TimeSpan.FromSeconds(5));

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.InRange(ready.Elapsed, TimeSpan.FromMilliseconds(400), TimeSpan.FromSeconds(3));
    }

    [Fact]
    public async Task A_resource_still_down_after_the_patience_is_reported_with_its_last_failure()
    {
        var check = new PromptHealthChecks.PatientCheck(new ReadyAfter(Stopwatch.StartNew(), TimeSpan.FromHours(1)), TimeSpan.FromMilliseconds(300));

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Unhealthy, result.Status);
        Assert.Equal("not yet", result.Description);
    }

    [Fact]
    public async Task A_check_that_throws_counts_as_a_failure_and_is_asked_again()
    {
        var calls = 0;
        var check = new PromptHealthChecks.PatientCheck(new Throwing(() => ++calls < 3), TimeSpan.FromSeconds(5));

        var result = await check.CheckHealthAsync(Context(check));

        Assert.Equal(HealthStatus.Healthy, result.Status);
        Assert.Equal(3, calls);
    }

    private static HealthCheckContext Context(IHealthCheck check) =>
        new() { Registration = new HealthCheckRegistration("test", check, HealthStatus.Unhealthy, []) };

    private sealed class ReadyAfter(Stopwatch clock, TimeSpan delay) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            Task.FromResult(clock.Elapsed >= delay ? HealthCheckResult.Healthy() : HealthCheckResult.Unhealthy("not yet"));
    }

    private sealed class Throwing(Func<bool> throws) : IHealthCheck
    {
        public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
            throws() ? throw new HttpRequestException("connection refused") : Task.FromResult(HealthCheckResult.Healthy());
    }
}
