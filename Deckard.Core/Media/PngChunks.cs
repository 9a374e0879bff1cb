using System.Buffers.Binary;

namespace Deckard.Core.Media;

/// <summary>
/// A PNG's chunks, walked once: the header's fields, the palette, and the image data (every IDAT joined, still
/// compressed). What <see cref="PngCheck"/> checks and <see cref="PngDecoder"/> decodes.
/// </summary>
public sealed record PngChunks(int Width, int Height, int BitDepth, int ColourType, bool Interlaced, byte[]? Palette, ArraySegment<byte> ImageData)
{
    private static readonly byte[] Signature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    /// <summary>Samples per pixel: 1 grey or palette index, 2 grey and alpha, 3 RGB, 4 RGBA.</summary>
    public int Channels => ChannelsOf(ColourType, BitDepth);

    public int BitsPerPixel => Channels * BitDepth;

    /// <summary>The compressed image data as a stream to inflate.</summary>
    public Stream OpenImageData() => new MemoryStream(ImageData.Array!, ImageData.Offset, ImageData.Count, writable: false);

    /// <summary>The chunks, or why the file is not a whole PNG with a valid header (a problem a person can read).</summary>
    public static (PngChunks? Chunks, string? Problem) Read(byte[] png)
    {
        if (png.Length < Signature.Length || !png.AsSpan(0, Signature.Length).SequenceEqual(Signature))
        {
            return (null, "it is not a PNG");
        }

        PngChunks? header = null;
        byte[]? palette = null;
        using var imageData = new MemoryStream();
        var position = Signature.Length;
        var sawEnd = false;
        while (position + 12 <= png.Length && !sawEnd)
        {
            var length = BinaryPrimitives.ReadInt32BigEndian(png.AsSpan(position));
            if (length < 0 || position + 12L + length > png.Length)
            {
                return (null, "a chunk runs past the end of the file");
            }

            var type = png.AsSpan(position + 4, 4);
            var data = png.AsSpan(position + 8, length);
            if (type.SequenceEqual("IHDR"u8))
            {
                header = length == 13 ? Header(data) : null;
                if (header is null)
                {
                    return (null, "its header is not valid");
                }
            }
            else if (type.SequenceEqual("PLTE"u8))
            {
                palette = data.ToArray();
            }
            else if (type.SequenceEqual("IDAT"u8))
            {
                imageData.Write(data);
            }
            else if (type.SequenceEqual("IEND"u8))
            {
                sawEnd = true;
            }

            position += 12 + length;
        }

        if (header is null || !sawEnd || imageData.Length == 0)
        {
            return (null, "it is cut short");
        }

        if (header.ColourType == 3 && palette is null)
        {
            return (null, "its palette is missing");
        }

        return (header with { Palette = palette, ImageData = new ArraySegment<byte>(imageData.GetBuffer(), 0, (int)imageData.Length) }, null);
    }

    private static PngChunks? Header(ReadOnlySpan<byte> data)
    {
        var width = BinaryPrimitives.ReadInt32BigEndian(data);
        var height = BinaryPrimitives.ReadInt32BigEndian(data[4..]);
        int bitDepth = data[8], colourType = data[9];
        // Compression and filter method 0 are the only ones defined; interlace is 0 (none) or 1 (Adam7).
        var valid = width > 0 && height > 0 && ChannelsOf(colourType, bitDepth) > 0 && data[10] == 0 && data[11] == 0 && data[12] <= 1;
        return valid ? new PngChunks(width, height, bitDepth, colourType, data[12] == 1, null, ArraySegment<byte>.Empty) : null;
    }

    private static int ChannelsOf(int colourType, int bitDepth) => (colourType, bitDepth) switch
    {
        (0, 1 or 2 or 4 or 8 or 16) => 1,
        (2, 8 or 16) => 3,
        (3, 1 or 2 or 4 or 8) => 1,
        (4, 8 or 16) => 2,
        (6, 8 or 16) => 4,
        _ => 0,
    };
}
