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
        var probe = await MediaTool.RunAsync(
            "ffprobe", ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path],
            cancellationToken, TimeSpan.FromSeconds(30));
        var parts = probe.Output.Trim().Split(',');
        if (!probe.Succeeded || parts.Length != 2
            || !int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height))
        {
            return new Result(0, 0, probe.LastErrorLine ?? "it does not decode as an image");
        }

        return new Result(width, height, null);
    }
}
