using System.Security.Cryptography;
using System.Text;

namespace Deckard.OpenAIMock.Images;

/// <summary>
/// Paints a simple head-and-shoulders portrait whose colours come from the SHA-256 of the prompt (and the image's
/// index), so the same prompt always gives the same picture. A transparent background leaves the backdrop clear.
/// </summary>
public static class PortraitPainter
{
    private static readonly (byte R, byte G, byte B)[] SkinTones =
    [
        (241, 194, 167), (224, 172, 138), (198, 134, 103), (161, 102, 75), (120, 76, 55), (255, 219, 190),
    ];

    public static byte[] Paint(string prompt, int index, int width, int height, bool transparent)
    {
        var seed = SHA256.HashData(Encoding.UTF8.GetBytes($"{index}:{prompt}"));
        var top = Colour(seed, 0);
        var bottom = Colour(seed, 3);
        var clothes = Colour(seed, 6);
        var hair = Darken(Colour(seed, 9), 0.45);
        var skin = SkinTones[seed[12] % SkinTones.Length];
        var eyes = Darken(Colour(seed, 13), 0.3);

        var channels = transparent ? 4 : 3;
        var pixels = new byte[width * height * channels];
        double size = Math.Min(width, height);
        double centreX = width / 2.0;
        double headY = height * 0.42;
        double headRadiusX = size * 0.17;
        double headRadiusY = size * 0.22;

        for (var y = 0; y < height; y++)
        {
            var t = y / (double)(height - 1);
            var background = Mix(top, bottom, t);
            for (var x = 0; x < width; x++)
            {
                var colour = background;
                byte alpha = transparent ? (byte)0 : (byte)255;

                if (Inside(x, y, centreX, height * 1.02, size * 0.42, size * 0.32))
                {
                    colour = clothes;
                    alpha = 255;
                }
                else if (Math.Abs(x - centreX) < size * 0.06 && y > headY && y < height * 0.78)
                {
                    colour = Darken(skin, 0.9);
                    alpha = 255;
                }

                if (Inside(x, y, centreX, headY - (size * 0.05), headRadiusX * 1.12, headRadiusY * 1.02) && y < headY)
                {
                    colour = hair;
                    alpha = 255;
                }

                if (Inside(x, y, centreX, headY, headRadiusX, headRadiusY) && y > headY - (headRadiusY * 0.55))
                {
                    colour = skin;
                    alpha = 255;
                    if (Inside(x, y, centreX - (headRadiusX * 0.4), headY - (headRadiusY * 0.1), size * 0.022, size * 0.022)
                        || Inside(x, y, centreX + (headRadiusX * 0.4), headY - (headRadiusY * 0.1), size * 0.022, size * 0.022))
                    {
                        colour = eyes;
                    }
                    else if (Inside(x, y, centreX, headY + (headRadiusY * 0.45), headRadiusX * 0.35, size * 0.012))
                    {
                        colour = (150, 60, 60);
                    }
                }

                var offset = ((y * width) + x) * channels;
                pixels[offset] = colour.R;
                pixels[offset + 1] = colour.G;
                pixels[offset + 2] = colour.B;
                if (transparent)
                {
                    pixels[offset + 3] = alpha;
                }
            }
        }

        return PngEncoder.Encode(width, height, transparent, pixels);
    }

    private static bool Inside(double x, double y, double centreX, double centreY, double radiusX, double radiusY)
    {
        var dx = (x - centreX) / radiusX;
        var dy = (y - centreY) / radiusY;
        return (dx * dx) + (dy * dy) <= 1;
    }

    private static (byte R, byte G, byte B) Colour(byte[] seed, int offset) => (seed[offset], seed[offset + 1], seed[offset + 2]);

    private static (byte R, byte G, byte B) Darken((byte R, byte G, byte B) colour, double factor) =>
        ((byte)(colour.R * factor), (byte)(colour.G * factor), (byte)(colour.B * factor));

    private static (byte R, byte G, byte B) Mix((byte R, byte G, byte B) from, (byte R, byte G, byte B) to, double t) =>
        ((byte)(from.R + ((to.R - from.R) * t)), (byte)(from.G + ((to.G - from.G) * t)), (byte)(from.B + ((to.B - from.B) * t)));
}
