using Deckard.RunPodMock.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Media;

/// <summary>Unhealthy without ffmpeg and ffprobe: every render needs them, so the stand-in cannot do its job.</summary>
public sealed class MediaToolsHealthCheck(IOptions<RunPodMockOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var media = options.Value.Media;
        var missing = new[] { media.FfmpegPath, media.FfprobePath }.Where(tool => !MediaTool.IsAvailable(tool)).ToList();
        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy("ffmpeg and ffprobe found.")
            : HealthCheckResult.Unhealthy($"Not found: {string.Join(", ", missing)}. Renders will fail; run scripts/install-prerequisites.sh."));
    }
}
