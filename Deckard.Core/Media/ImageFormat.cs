namespace Deckard.Core.Media;

/// <summary>A portrait format Deckard accepts, recognised by its bytes (not by the file name or declared type).</summary>
public sealed record ImageFormat(string Name, string ContentType, string Extension)
{
    public static readonly ImageFormat Png = new("PNG", "image/png", "png");
    public static readonly ImageFormat Jpeg = new("JPEG", "image/jpeg", "jpg");
    public static readonly ImageFormat WebP = new("WebP", "image/webp", "webp");

    public static ImageFormat? Sniff(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 8 && header[..8].SequenceEqual(new byte[] { 0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A }))
        {
            return Png;
        }

        if (header.Length >= 3 && header[0] == 0xFF && header[1] == 0xD8 && header[2] == 0xFF)
        {
            return Jpeg;
        }

        return header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WEBP"u8) ? WebP : null;
    }
}
