using Deckard.Core.Avatars;
using Deckard.Core.Media;

namespace Deckard.UnitTests.Pipeline;

public sealed class PngCheckTests
{
    [Fact]
    public void A_whole_png_decodes_to_its_size()
    {
        var result = PngCheck.Check(DefaultPortrait.Bytes);

        Assert.True(result.IsValid, result.Problem);
        Assert.Equal((512, 512), (result.Width, result.Height));
    }

    [Fact]
    public void A_png_cut_short_does_not_decode()
    {
        var cut = DefaultPortrait.Bytes[..(DefaultPortrait.Bytes.Length / 2)];

        Assert.False(PngCheck.Check(cut).IsValid);
    }

    [Fact]
    public void A_png_whose_image_data_is_damaged_does_not_decode()
    {
        var damaged = (byte[])DefaultPortrait.Bytes.Clone();
        var idat = System.Text.Encoding.ASCII.GetBytes("IDAT");
        var at = damaged.AsSpan().IndexOf(idat) + 4;
        for (var offset = 10; offset < 400; offset++)
        {
            damaged[at + offset] ^= 0x5A;
        }

        Assert.NotNull(PngCheck.Check(damaged).Problem);
    }

    [Fact]
    public void Bytes_that_are_not_a_png_are_said_to_be_so() =>
        Assert.Equal("it is not a PNG", PngCheck.Check("GIF89a..."u8.ToArray()).Problem);

    [Fact]
    public void A_header_with_a_bit_depth_its_colour_type_does_not_allow_is_not_valid()
    {
        // Colour type 2 (RGB) allows 8 and 16 bits; IHDR's bit depth is byte 8 of its data, 16 bytes into the file.
        var png = (byte[])DefaultPortrait.Bytes.Clone();
        Assert.Equal(2, png[25]);
        png[24] = 4;

        Assert.Equal("its header is not valid", PngCheck.Check(png).Problem);
        Assert.Null(PngDecoder.Decode(png));
    }

    [Fact]
    public void A_palette_image_without_its_palette_is_refused_by_the_check_and_the_decoder()
    {
        var png = (byte[])DefaultPortrait.Bytes.Clone();
        png[24] = 8;
        png[25] = 3;

        Assert.Equal("its palette is missing", PngCheck.Check(png).Problem);
        Assert.Null(PngDecoder.Decode(png));
    }
}
