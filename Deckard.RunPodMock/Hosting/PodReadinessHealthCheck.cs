using Deckard.RunPodMock.Faults;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Deckard.RunPodMock.Hosting;

/// <summary>
/// Degraded (still 200) while the simulated pod boots: the stand-in itself is up and its admin API answers, while
/// the Gradio surface answers 502 as the real proxy would. Healthy once the pod "listens".
/// </summary>
public sealed class PodReadinessHealthCheck(FaultBoard faults) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(faults.BootRemaining() is { } remaining
            ? HealthCheckResult.Degraded($"Simulating a pod boot: the Gradio surface answers 502 for {remaining.TotalSeconds:0.0} s more.")
            : HealthCheckResult.Healthy("The Gradio surface answers."));
}
