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
}
