using System.IO.Compression;

namespace Deckard.Core.Media;

/// <summary>
/// Checks in process that a PNG decodes: its chunks are whole, its header is sane, and its image data inflates to
/// exactly the rows its size says, each with a valid filter byte. That is the decode minus the colour maths, without
/// starting ffprobe (a process start costs more than the check). Interlaced images are left to ffprobe.
/// </summary>
public static class PngCheck
{
    public sealed record Result(int Width, int Height, string? Problem, bool Interlaced = false)
    {
        public bool IsValid => Problem is null && !Interlaced;
    }

    public static Result Check(byte[] png)
    {
        var (chunks, problem) = PngChunks.Read(png);
        if (chunks is null)
        {
            return Fail(problem!);
        }

        if (chunks.Interlaced)
        {
            return new Result(chunks.Width, chunks.Height, null, Interlaced: true);
        }

        using var imageData = chunks.OpenImageData();
        return RowsAreWhole(imageData, chunks.Width, chunks.Height, chunks.BitsPerPixel) is { } damage
            ? Fail(damage)
            : new Result(chunks.Width, chunks.Height, null);
    }

    private static string? RowsAreWhole(Stream compressed, int width, int height, int bitsPerPixel)
    {
        var row = new byte[1 + (((long)width * bitsPerPixel) + 7) / 8];
        try
        {
            using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
            for (var line = 0; line < height; line++)
            {
                inflater.ReadExactly(row);
                if (row[0] > 4)
                {
                    return $"row {line} has an unknown filter";
                }
            }

            return inflater.ReadByte() == -1 ? null : "its image data is longer than its size";
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            return "its image data does not inflate to its size";
        }
    }

    private static Result Fail(string problem) => new(0, 0, problem);
}
