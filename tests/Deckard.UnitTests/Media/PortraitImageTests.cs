using System.Buffers.Binary;
using System.IO.Compression;
using Deckard.Core.Media;

namespace Deckard.UnitTests.Media;

/// <summary>The in-process portrait path: PNG decoding of every colour type, the centred crop and scale, PNG encoding.</summary>
public sealed class PortraitImageTests
{
    [Fact]
    public void An_encoded_image_decodes_to_the_same_pixels()
    {
        var random = new Random(7);
        var pixels = new byte[37 * 23 * 3];
        random.NextBytes(pixels);
        var image = new RgbImage(37, 23, pixels);

        var decoded = PngDecoder.Decode(PngEncoder.Encode(image));

        Assert.NotNull(decoded);
        Assert.Equal((37, 23), (decoded.Width, decoded.Height));
        Assert.Equal(pixels, decoded.Pixels);
    }

    [Fact]
    public void Every_filter_type_is_reconstructed()
    {
        // One RGB row per filter (None, Sub, Up, Average, Paeth), each row's raw bytes chosen so the result is known.
        var expected = new byte[5 * 2 * 3];
        new Random(3).NextBytes(expected);
        var rows = new List<byte>();
        for (var row = 0; row < 5; row++)
        {
            var current = expected.AsSpan(row * 6, 6).ToArray();
            var above = row == 0 ? new byte[6] : expected.AsSpan((row - 1) * 6, 6).ToArray();
            rows.Add((byte)row);
            for (var index = 0; index < 6; index++)
            {
                int left = index >= 3 ? current[index - 3] : 0, up = above[index], upperLeft = index >= 3 ? above[index - 3] : 0;
                var predictor = row switch
                {
                    0 => 0,
                    1 => left,
                    2 => up,
                    3 => (left + up) / 2,
                    _ => Paeth(left, up, upperLeft),
                };
                rows.Add((byte)(current[index] - predictor));
            }
        }

        var decoded = PngDecoder.Decode(Png(2, 5, bitDepth: 8, colourType: 2, [.. rows]));

        Assert.Equal(expected, decoded!.Pixels);
    }

    [Fact]
    public void Grey_palette_sixteen_bit_and_alpha_images_become_rgb()
    {
        // Grey, 2 bits: 0, 1, 2, 3 → 0, 85, 170, 255.
        var grey = PngDecoder.Decode(Png(4, 1, bitDepth: 2, colourType: 0, [0, 0b00_01_10_11]));
        Assert.Equal(new byte[] { 0, 0, 0, 85, 85, 85, 170, 170, 170, 255, 255, 255 }, grey!.Pixels);

        // Palette, 1 bit: entries 1 then 0.
        var palette = PngDecoder.Decode(Png(2, 1, bitDepth: 1, colourType: 3, [0, 0b10_000000], plte: [10, 20, 30, 200, 100, 50]));
        Assert.Equal(new byte[] { 200, 100, 50, 10, 20, 30 }, palette!.Pixels);

        // RGBA, 16 bits: the high bytes, alpha dropped.
        var deep = PngDecoder.Decode(Png(1, 1, bitDepth: 16, colourType: 6, [0, 0x12, 0x34, 0x56, 0x78, 0x9A, 0xBC, 0xFF, 0xFF]));
        Assert.Equal(new byte[] { 0x12, 0x56, 0x9A }, deep!.Pixels);

        // Grey with alpha, 8 bits.
        var greyAlpha = PngDecoder.Decode(Png(1, 1, bitDepth: 8, colourType: 4, [0, 77, 0]));
        Assert.Equal(new byte[] { 77, 77, 77 }, greyAlpha!.Pixels);
    }

    [Fact]
    public void Interlaced_or_damaged_images_are_left_to_ffmpeg()
    {
        var interlaced = Png(1, 1, bitDepth: 8, colourType: 2, [0, 1, 2, 3], interlace: 1);
        var cut = Png(4, 4, bitDepth: 8, colourType: 2, new byte[13]);

        Assert.Null(PngDecoder.Decode(interlaced));
        Assert.Null(PngDecoder.Decode(cut));
        Assert.Null(PngDecoder.Decode("not a png"u8.ToArray()));
    }

    [Fact]
    public void A_tall_image_is_cropped_to_its_centre_square_and_scaled()
    {
        // 40 × 120: a blue top third, green middle third, red bottom third. The centre square is the green band.
        var pixels = new byte[40 * 120 * 3];
        for (var y = 0; y < 120; y++)
        {
            for (var x = 0; x < 40; x++)
            {
                var colour = y < 40 ? 2 : y < 80 ? 1 : 0;
                pixels[(y * 40 + x) * 3 + colour] = 255;
            }
        }

        var scaled = SquareScaler.CropAndScale(new RgbImage(40, 120, pixels), 16);

        Assert.Equal((16, 16), (scaled.Width, scaled.Height));
        Assert.All(Enumerable.Range(0, 16 * 16), pixel =>
            Assert.Equal((0, 255, 0), (scaled.Pixels[pixel * 3], scaled.Pixels[pixel * 3 + 1], scaled.Pixels[pixel * 3 + 2])));
    }

    [Fact]
    public void Scaling_keeps_a_gradient_in_order_and_in_range()
    {
        var pixels = new byte[256 * 256 * 3];
        for (var y = 0; y < 256; y++)
        {
            for (var x = 0; x < 256; x++)
            {
                pixels[(y * 256 + x) * 3] = (byte)x;
            }
        }

        var scaled = SquareScaler.CropAndScale(new RgbImage(256, 256, pixels), 64);

        var firstRow = Enumerable.Range(0, 64).Select(x => (int)scaled.Pixels[x * 3]).ToList();
        Assert.Equal(firstRow.Order(), firstRow);
        Assert.InRange(firstRow[32], 126, 132); // the middle of 0..255
    }

    private static int Paeth(int left, int up, int upperLeft)
    {
        var estimate = left + up - upperLeft;
        int toLeft = Math.Abs(estimate - left), toUp = Math.Abs(estimate - up), toUpperLeft = Math.Abs(estimate - upperLeft);
        return toLeft <= toUp && toLeft <= toUpperLeft ? left : toUp <= toUpperLeft ? up : upperLeft;
    }

    /// <summary>A PNG from raw (already filtered) scanlines; CRCs are not checked by the decoder, so they are left zero.</summary>
    private static byte[] Png(int width, int height, int bitDepth, int colourType, byte[] scanlines, byte[]? plte = null, int interlace = 0)
    {
        using var png = new MemoryStream();
        png.Write([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A]);
        var header = new byte[13];
        BinaryPrimitives.WriteInt32BigEndian(header, width);
        BinaryPrimitives.WriteInt32BigEndian(header.AsSpan(4), height);
        header[8] = (byte)bitDepth;
        header[9] = (byte)colourType;
        header[12] = (byte)interlace;
        Chunk(png, "IHDR", header);
        if (plte is not null)
        {
            Chunk(png, "PLTE", plte);
        }

        using var deflated = new MemoryStream();
        using (var zlib = new ZLibStream(deflated, CompressionLevel.Optimal, leaveOpen: true))
        {
            zlib.Write(scanlines);
        }

        Chunk(png, "IDAT", deflated.ToArray());
        Chunk(png, "IEND", []);
        return png.ToArray();
    }

    private static void Chunk(Stream png, string type, byte[] data)
    {
        var length = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(length, data.Length);
        png.Write(length);
        png.Write(System.Text.Encoding.ASCII.GetBytes(type));
        png.Write(data);
        png.Write(new byte[4]);
    }
}
