namespace Deckard.Core.Media;

/// <summary>
/// Crops an image to its centred square (as ffmpeg's <c>crop='min(iw,ih)':'min(iw,ih)'</c>) and scales it to a given side
/// with a Lanczos-3 filter (as <c>scale=...:flags=lanczos</c>), separably: rows first, then columns.
/// </summary>
public static class SquareScaler
{
    private const int Lobes = 3;

    public static RgbImage CropAndScale(RgbImage image, int size)
    {
        var side = Math.Min(image.Width, image.Height);
        var left = (image.Width - side) / 2;
        var top = (image.Height - side) / 2;
        var (starts, counts, weights, taps) = Weights(side, size);

        // Rows first: every row of the crop, scaled across to `size` pixels (floats, three channels).
        var across = new float[side * size * 3];
        for (var y = 0; y < side; y++)
        {
            var source = image.Pixels.AsSpan(((top + y) * image.Width + left) * 3, side * 3);
            var target = across.AsSpan(y * size * 3, size * 3);
            for (var x = 0; x < size; x++)
            {
                float r = 0, g = 0, b = 0;
                var start = starts[x];
                for (var tap = 0; tap < counts[x]; tap++)
                {
                    var weight = weights[x * taps + tap];
                    var pixel = (start + tap) * 3;
                    r += weight * source[pixel];
                    g += weight * source[pixel + 1];
                    b += weight * source[pixel + 2];
                }

                target[x * 3] = r;
                target[x * 3 + 1] = g;
                target[x * 3 + 2] = b;
            }
        }

        // Then columns: each output row is a weighted sum of the scaled rows.
        var pixels = new byte[size * size * 3];
        var sums = new float[size * 3];
        for (var y = 0; y < size; y++)
        {
            Array.Clear(sums);
            var start = starts[y];
            for (var tap = 0; tap < counts[y]; tap++)
            {
                var weight = weights[y * taps + tap];
                var row = across.AsSpan((start + tap) * size * 3, size * 3);
                for (var index = 0; index < sums.Length; index++)
                {
                    sums[index] += weight * row[index];
                }
            }

            var target = pixels.AsSpan(y * size * 3, size * 3);
            for (var index = 0; index < sums.Length; index++)
            {
                target[index] = (byte)Math.Clamp(MathF.Round(sums[index]), 0, 255);
            }
        }

        return new RgbImage(size, size, pixels);
    }

    /// <summary>For each output position: the first source pixel, how many it reads, and their normalised weights.</summary>
    private static (int[] Starts, int[] Counts, float[] Weights, int Taps) Weights(int from, int to)
    {
        var scale = (double)from / to;
        var stretch = Math.Max(1.0, scale); // shrinking widens the filter, so it also smooths away what cannot be kept
        var support = Lobes * stretch;
        var taps = (int)Math.Ceiling(support * 2) + 1;
        var starts = new int[to];
        var counts = new int[to];
        var weights = new float[to * taps];
        for (var output = 0; output < to; output++)
        {
            var centre = (output + 0.5) * scale - 0.5;
            var first = Math.Max(0, (int)Math.Floor(centre - support) + 1);
            var last = Math.Min(from - 1, (int)Math.Floor(centre + support));
            var count = Math.Min(taps, last - first + 1);
            var total = 0.0;
            for (var tap = 0; tap < count; tap++)
            {
                var weight = Lanczos((first + tap - centre) / stretch);
                weights[output * taps + tap] = (float)weight;
                total += weight;
            }

            for (var tap = 0; tap < count; tap++)
            {
                weights[output * taps + tap] = (float)(weights[output * taps + tap] / total);
            }

            starts[output] = first;
            counts[output] = count;
        }

        return (starts, counts, weights, taps);
    }

    private static double Lanczos(double x)
    {
        if (x == 0)
        {
            return 1;
        }

        if (Math.Abs(x) >= Lobes)
        {
            return 0;
        }

        var pi = Math.PI * x;
        return Lobes * Math.Sin(pi) * Math.Sin(pi / Lobes) / (pi * pi);
    }
}
