using System.Diagnostics;
using System.Globalization;

namespace Deckard.Core.Media;

/// <summary>Decodes an image's first frame with ffprobe: its size, or why it cannot be read.</summary>
public static class ImageProbe
{
    public sealed record Result(int Width, int Height, string? Problem)
    {
        public bool IsValid => Problem is null;
    }

    public static async Task<Result> ProbeAsync(string path, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo("ffprobe") { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in (string[])["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path])
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException("ffprobe did not start.");
        var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
        var errors = process.StandardError.ReadToEndAsync(cancellationToken);
        await process.WaitForExitAsync(cancellationToken);
        var parts = (await output).Trim().Split(',');
        if (process.ExitCode != 0 || parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height))
        {
            var detail = (await errors).Split('\n', StringSplitOptions.RemoveEmptyEntries).LastOrDefault()?.Trim();
            return new Result(0, 0, string.IsNullOrEmpty(detail) ? "it does not decode as an image" : detail);
        }

        return new Result(width, height, null);
    }
}
