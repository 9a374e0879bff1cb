using System.Buffers.Binary;
using System.IO.Compression;

namespace Deckard.Core.Media;

/// <summary>
/// Checks in process that a PNG decodes: its chunks are whole, its header is sane, and its image data inflates to
/// exactly the rows its size says, each with a valid filter byte. That is the decode minus the colour maths, without
/// starting ffprobe (a process start costs more than the check). Interlaced images are left to ffprobe.
/// </summary>
public static class PngCheck
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    public sealed record Result(int Width, int Height, string? Problem, bool Interlaced = false)
    {
        public bool IsValid => Problem is null && !Interlaced;
    }

    public static Result Check(byte[] png)
    {
        if (png.Length < Signature.Length || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            return Fail("it is not a PNG");
        }

        int width = 0, height = 0, bitsPerPixel = 0;
        var interlaced = false;
        using var imageData = new MemoryStream();
        var position = Signature.Length;
        var sawEnd = false;
        while (position + 12 <= png.Length && !sawEnd)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            if (length < 0 || position + 12L + length > png.Length)
            {
                return Fail("a chunk runs past the end of the file");
            }

            var type = System.Text.Encoding.ASCII.GetString(png, position + 4, 4);
            var data = png.AsSpan(position + 8, length);
            switch (type)
            {
                case "IHDR" when length == 13:
                    width = BinaryPrimitives.ReadInt32BigEndian(data);
                    height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
                    bitsPerPixel = BitsPerPixel(colourType: data[9], bitDepth: data[8]);
                    interlaced = data[12] == 1;
                    if (width <= 0 || height <= 0 || bitsPerPixel == 0 || data[10] != 0 || data[11] != 0 || data[12] > 1)
                    {
                        return Fail("its header is not valid");
                    }

                    break;
                case "IHDR":
                    return Fail("its header is not valid");
                case "IDAT":
                    imageData.Write(data);
                    break;
                case "IEND":
                    sawEnd = true;
                    break;
            }

            position += 12 + length;
        }

        if (width == 0 || !sawEnd || imageData.Length == 0)
        {
            return Fail("it is cut short");
        }

        if (interlaced)
        {
            return new Result(width, height, null, Interlaced: true);
        }

        imageData.Position = 0;
        return RowsAreWhole(imageData, width, height, bitsPerPixel) is { } problem ? Fail(problem) : new Result(width, height, null);
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

    private static int BitsPerPixel(byte colourType, byte bitDepth) => colourType switch
    {
        0 => bitDepth,
        2 => 3 * bitDepth,
        3 => bitDepth,
        4 => 2 * bitDepth,
        6 => 4 * bitDepth,
        _ => 0,
    };

    private static Result Fail(string problem) => new(0, 0, problem);
}
