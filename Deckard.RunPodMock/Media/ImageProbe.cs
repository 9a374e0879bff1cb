using System.Globalization;
using System.Text;

namespace Deckard.RunPodMock.Media;

/// <summary>Checks the reference image decodes (PIL's <c>load_image</c> in the real app) and reads its size.</summary>
public static class ImageProbe
{
    public static async Task<(int Width, int Height, string? Error)> ReadAsync(string ffprobe, string path, CancellationToken cancellationToken)
    {
        var result = await MediaTool.RunAsync(ffprobe,
            ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=width,height", "-of", "csv=p=0", path],
            cancellationToken);
        var fields = Encoding.UTF8.GetString(result.Output).Trim().Split(',');
        // ffprobe answers 0,0 (and exit code 0) for a file it cannot decode, with the reason on stderr.
        if (!result.Succeeded || fields.Length < 2
            || !int.TryParse(fields[0], NumberStyles.None, CultureInfo.InvariantCulture, out var width)
            || !int.TryParse(fields[1], NumberStyles.None, CultureInfo.InvariantCulture, out var height)
            || width <= 0 || height <= 0)
        {
            return (0, 0, result.Errors.Trim().Length > 0 ? result.Errors.Trim() : "not an image");
        }

        return (width, height, null);
    }
}
