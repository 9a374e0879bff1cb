using Deckard.Core.Media;

namespace Deckard.UnitTests.Pipeline;

public sealed class ImageFormatTests
{
    [Fact]
    public void Png_jpeg_and_webp_are_recognised_by_their_first_bytes()
    {
        Assert.Equal(ImageFormat.Png, ImageFormat.Sniff([0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A, 0, 0, 0, 13]));
        Assert.Equal(ImageFormat.Jpeg, ImageFormat.Sniff([0xFF, 0xD8, 0xFF, 0xE0, 0, 16]));
        Assert.Equal(ImageFormat.WebP, ImageFormat.Sniff("RIFF\0\0\0\0WEBPVP8 "u8));
    }

    [Fact]
    public void Audio_text_and_short_headers_are_not_images()
    {
        Assert.Null(ImageFormat.Sniff("RIFF\0\0\0\0WAVEfmt "u8));
        Assert.Null(ImageFormat.Sniff("not an image at all"u8));
        Assert.Null(ImageFormat.Sniff([0xFF, 0xD8]));
    }
}
