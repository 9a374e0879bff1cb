using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Faults;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Hosting;

/// <summary>At start: begins the simulated boot (<c>StartupDelaySeconds</c>) and arms the faults configuration lists.</summary>
public sealed class PodStartup(IOptions<RunPodMockOptions> options, FaultBoard faults, ILogger<PodStartup> logger) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        var settings = options.Value;
        if (settings.StartupDelaySeconds > 0)
        {
            faults.StartBoot(TimeSpan.FromSeconds(settings.StartupDelaySeconds));
            logger.LogInformation("Simulating a pod boot: the proxy answers 502 for {Seconds} s", settings.StartupDelaySeconds);
        }

        foreach (var fault in settings.Faults)
        {
            FaultSpec.TryCreate(fault, out var spec);
            faults.Arm(spec!);
        }

        logger.LogInformation("StableAvatar stand-in: Gradio {Version}, time scale {TimeScale}, heartbeat every {Heartbeat} s",
            new GradioFlavor(settings.GradioVersion).Version, settings.CostModel.TimeScale, settings.HeartbeatSeconds);
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
