namespace Deckard.Core.Media;

/// <summary>An 8-bit RGB image, rows top to bottom, three bytes a pixel.</summary>
public sealed record RgbImage(int Width, int Height, byte[] Pixels);
