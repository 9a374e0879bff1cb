using Deckard.OpenAIMock.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Media;

/// <summary>
/// Degraded (not unhealthy) when espeak-ng or ffmpeg is missing: every endpoint but speech, realtime audio and
/// jpeg/webp images still works, so a caller waiting for readiness is not blocked.
/// </summary>
public sealed class MediaToolsHealthCheck(IOptions<OpenAIMockOptions> options) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var media = options.Value.Media;
        var missing = new[] { media.EspeakPath, media.FfmpegPath }.Where(tool => !IsOnPath(tool)).ToList();
        return Task.FromResult(missing.Count == 0
            ? HealthCheckResult.Healthy("espeak-ng and ffmpeg found.")
            : HealthCheckResult.Degraded($"Not found: {string.Join(", ", missing)}. Speech and realtime audio will fail."));
    }

    public static bool IsOnPath(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool);
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Any(directory => File.Exists(Path.Combine(directory, tool)));
    }
}
