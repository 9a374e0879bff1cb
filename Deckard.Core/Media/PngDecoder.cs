using System.Buffers.Binary;
using System.IO.Compression;

namespace Deckard.Core.Media;

/// <summary>
/// Decodes a non-interlaced PNG of any colour type and bit depth to 8-bit RGB, dropping alpha as ffmpeg's
/// <c>format=rgb24</c> does. Null for what it does not read (interlaced, damaged): the caller hands those to ffmpeg.
/// </summary>
public static class PngDecoder
{
    /// <summary>Larger than any portrait anyone uploads (and what the upload limit lets through): refuse to allocate for it.</summary>
    private const long MaximumPixels = 64L * 1024 * 1024;

    public static RgbImage? Decode(byte[] png)
    {
        var (chunks, _) = PngChunks.Read(png);
        if (chunks is null || chunks.Interlaced || (long)chunks.Width * chunks.Height > MaximumPixels)
        {
            return null;
        }

        try
        {
            using var compressed = chunks.OpenImageData();
            return Unfilter(compressed, chunks.Width, chunks.Height, chunks.BitDepth, chunks.ColourType, chunks.Channels, chunks.Palette);
        }
        catch (Exception exception) when (exception is InvalidDataException or EndOfStreamException)
        {
            return null;
        }
    }

    private static RgbImage? Unfilter(Stream compressed, int width, int height, int bitDepth, int colourType, int channels, byte[]? palette)
    {
        var bitsPerPixel = channels * bitDepth;
        var rowBytes = (int)(((long)width * bitsPerPixel + 7) / 8);
        var bytesPerPixel = Math.Max(1, bitsPerPixel / 8);
        var previous = new byte[rowBytes];
        var current = new byte[rowBytes];
        var pixels = new byte[(long)width * height * 3];
        using var inflater = new ZLibStream(compressed, CompressionMode.Decompress);
        Span<byte> filter = stackalloc byte[1];
        for (var row = 0; row < height; row++)
        {
            inflater.ReadExactly(filter);
            inflater.ReadExactly(current);
            if (!Reconstruct(filter[0], current, previous, bytesPerPixel))
            {
                return null;
            }

            ToRgb(current, pixels.AsSpan(row * width * 3, width * 3), width, bitDepth, colourType, palette);
            (previous, current) = (current, previous);
        }

        return new RgbImage(width, height, pixels);
    }

    private static bool Reconstruct(byte filter, Span<byte> row, ReadOnlySpan<byte> above, int bytesPerPixel)
    {
        switch (filter)
        {
            case 0:
                return true;
            case 1:
                for (var index = bytesPerPixel; index < row.Length; index++)
                {
                    row[index] += row[index - bytesPerPixel];
                }

                return true;
            case 2:
                for (var index = 0; index < row.Length; index++)
                {
                    row[index] += above[index];
                }

                return true;
            case 3:
                for (var index = 0; index < row.Length; index++)
                {
                    var left = index >= bytesPerPixel ? row[index - bytesPerPixel] : 0;
                    row[index] += (byte)((left + above[index]) >> 1);
                }

                return true;
            case 4:
                for (var index = 0; index < row.Length; index++)
                {
                    var left = index >= bytesPerPixel ? row[index - bytesPerPixel] : 0;
                    var upperLeft = index >= bytesPerPixel ? above[index - bytesPerPixel] : 0;
                    row[index] += Paeth(left, above[index], upperLeft);
                }

                return true;
            default:
                return false;
        }
    }

    private static byte Paeth(int left, int above, int upperLeft)
    {
        var estimate = left + above - upperLeft;
        var toLeft = Math.Abs(estimate - left);
        var toAbove = Math.Abs(estimate - above);
        var toUpperLeft = Math.Abs(estimate - upperLeft);
        return (byte)(toLeft <= toAbove && toLeft <= toUpperLeft ? left : toAbove <= toUpperLeft ? above : upperLeft);
    }

    private static void ToRgb(ReadOnlySpan<byte> row, Span<byte> rgb, int width, int bitDepth, int colourType, byte[]? palette)
    {
        var bytesPerSample = bitDepth == 16 ? 2 : 1; // 16-bit samples keep their high byte
        for (var x = 0; x < width; x++)
        {
            byte r, g, b;
            switch (colourType)
            {
                case 0:
                    r = g = b = bitDepth >= 8 ? row[x * bytesPerSample] : Scale(Packed(row, x, bitDepth), bitDepth);
                    break;
                case 3:
                    var entry = Packed(row, x, bitDepth) * 3;
                    if (entry + 2 >= palette!.Length)
                    {
                        r = g = b = 0;
                        break;
                    }

                    (r, g, b) = (palette[entry], palette[entry + 1], palette[entry + 2]);
                    break;
                case 4:
                    r = g = b = row[x * 2 * bytesPerSample];
                    break;
                default: // 2 (RGB) and 6 (RGBA)
                    var stride = (colourType == 2 ? 3 : 4) * bytesPerSample;
                    (r, g, b) = (row[x * stride], row[x * stride + bytesPerSample], row[x * stride + 2 * bytesPerSample]);
                    break;
            }

            rgb[x * 3] = r;
            rgb[x * 3 + 1] = g;
            rgb[x * 3 + 2] = b;
        }
    }

    /// <summary>A sample of fewer than 8 bits, packed most significant first.</summary>
    private static int Packed(ReadOnlySpan<byte> row, int x, int bitDepth)
    {
        if (bitDepth == 8)
        {
            return row[x];
        }

        var bit = x * bitDepth;
        return (row[bit / 8] >> (8 - bitDepth - bit % 8)) & ((1 << bitDepth) - 1);
    }

    private static byte Scale(int value, int bitDepth) => (byte)(value * 255 / ((1 << bitDepth) - 1));
}
