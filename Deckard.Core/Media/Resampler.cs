namespace Deckard.Core.Media;

/// <summary>
/// Band-limited sample-rate conversion by a rational ratio: a Blackman-windowed sinc with 16 zero crossings each side,
/// its cut-off just under the lower of the two Nyquist frequencies, one precomputed filter per phase (the output's
/// position between two input samples), each normalised to unity gain. The filter is centred, so the output has no delay.
/// </summary>
public static class Resampler
{
    private const int ZeroCrossings = 16;
    private const double Rolloff = 0.95;

    /// <summary>Above this many phases (rates with no small common ratio) the table grows too large: the caller uses ffmpeg.</summary>
    public const int MaximumPhases = 4096;

    public static bool CanResample(int fromRate, int toRate) =>
        fromRate > 0 && toRate > 0 && toRate / GreatestCommonDivisor(fromRate, toRate) <= MaximumPhases;

    public static float[] Resample(float[] input, int fromRate, int toRate)
    {
        if (fromRate == toRate)
        {
            return input;
        }

        if (!CanResample(fromRate, toRate))
        {
            throw new ArgumentException($"No small ratio between {fromRate} Hz and {toRate} Hz.", nameof(toRate));
        }

        var divisor = GreatestCommonDivisor(fromRate, toRate);
        var phases = toRate / divisor;   // output samples per `step` input samples
        var step = fromRate / divisor;
        // The cut-off in cycles per input sample, and the half-width in input samples that holds its zero crossings.
        var cutoff = 0.5 * Math.Min(1.0, (double)toRate / fromRate) * Rolloff;
        var halfWidth = (int)Math.Ceiling(ZeroCrossings / (2 * cutoff));
        var taps = 2 * halfWidth;
        var filters = Filters(phases, taps, halfWidth, cutoff);

        // Zeros either side, so every output sample reads a whole window without bounds checks.
        var padded = new float[input.Length + 2 * taps];
        input.CopyTo(padded, taps);
        var outputLength = (int)(((long)input.Length * phases + step - 1) / step);
        var output = new float[outputLength];
        for (var index = 0; index < outputLength; index++)
        {
            var position = (long)index * step;
            var whole = (int)(position / phases);
            var phase = (int)(position % phases);
            var first = taps + whole - halfWidth + 1;
            var filter = filters.AsSpan(phase * taps, taps);
            var window = padded.AsSpan(first, taps);
            var sum = 0f;
            for (var tap = 0; tap < taps; tap++)
            {
                sum += filter[tap] * window[tap];
            }

            output[index] = sum;
        }

        return output;
    }

    private static float[] Filters(int phases, int taps, int halfWidth, double cutoff)
    {
        var filters = new float[phases * taps];
        var weights = new double[taps];
        for (var phase = 0; phase < phases; phase++)
        {
            var fraction = (double)phase / phases;
            var total = 0.0;
            for (var tap = 0; tap < taps; tap++)
            {
                // The input sample `tap` sits this far (in input samples) from the output's position.
                var distance = tap - halfWidth + 1 - fraction;
                var x = 2 * cutoff * distance;
                var sinc = x == 0 ? 1 : Math.Sin(Math.PI * x) / (Math.PI * x);
                var w = distance / halfWidth;
                var blackman = Math.Abs(w) >= 1 ? 0 : 0.42 + 0.5 * Math.Cos(Math.PI * w) + 0.08 * Math.Cos(2 * Math.PI * w);
                weights[tap] = sinc * blackman;
                total += weights[tap];
            }

            for (var tap = 0; tap < taps; tap++)
            {
                filters[phase * taps + tap] = (float)(weights[tap] / total);
            }
        }

        return filters;
    }

    private static int GreatestCommonDivisor(int a, int b)
    {
        while (b != 0)
        {
            (a, b) = (b, a % b);
        }

        return a;
    }
}
