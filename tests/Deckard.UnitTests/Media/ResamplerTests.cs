using Deckard.Core.Media;

namespace Deckard.UnitTests.Media;

/// <summary>The in-process sample-rate conversion that prepares speech for StableAvatar without ffmpeg.</summary>
public sealed class ResamplerTests
{
    [Theory]
    [InlineData(22050, 16000, 440.0)]  // espeak-ng
    [InlineData(48000, 16000, 3000.0)] // a browser's recording
    [InlineData(44100, 16000, 1000.0)]
    [InlineData(8000, 16000, 700.0)]   // up, from telephone speech
    public void A_tone_keeps_its_frequency_and_loudness(int from, int to, double frequency)
    {
        var input = Tone(frequency, from, seconds: 1, amplitude: 0.5);

        var output = Resampler.Resample(input, from, to);

        Assert.Equal(to, output.Length);
        // Away from the edges, the output is the same tone sampled at the new rate.
        var middle = output.AsSpan(to / 4, to / 2);
        Assert.InRange(Rms(middle), 0.5 / Math.Sqrt(2) * 0.98, 0.5 / Math.Sqrt(2) * 1.02);
        Assert.InRange(Magnitude(middle, frequency, to), 0.49, 0.51);
    }

    [Fact]
    public void A_tone_above_the_new_nyquist_frequency_is_filtered_out_not_folded_back()
    {
        // 11 kHz cannot exist at 16 kHz; without the filter it would alias to 5 kHz.
        var input = Tone(11_000, 44_100, seconds: 1, amplitude: 0.5);

        var output = Resampler.Resample(input, 44_100, 16_000);

        var middle = output.AsSpan(4000, 8000);
        Assert.True(Rms(middle) < 0.5 * 0.001, $"rms {Rms(middle)}");
        Assert.True(Magnitude(middle, 5000, 16_000) < 0.001);
    }

    [Fact]
    public void The_same_rate_returns_the_samples_unchanged()
    {
        var input = Tone(300, 16_000, seconds: 0.1, amplitude: 0.3);

        Assert.Same(input, Resampler.Resample(input, 16_000, 16_000));
    }

    [Fact]
    public void Rates_with_no_small_ratio_are_left_to_ffmpeg()
    {
        Assert.False(Resampler.CanResample(16_001, 16_000)); // 16,000 phases
        Assert.True(Resampler.CanResample(11_025, 16_000));
    }

    private static float[] Tone(double frequency, int rate, double seconds, double amplitude) =>
        [.. Enumerable.Range(0, (int)(rate * seconds)).Select(index => (float)(amplitude * Math.Sin(2 * Math.PI * frequency * index / rate)))];

    private static double Rms(ReadOnlySpan<float> samples)
    {
        var sum = 0.0;
        foreach (var sample in samples)
        {
            sum += sample * sample;
        }

        return Math.Sqrt(sum / samples.Length);
    }

    /// <summary>The amplitude of one frequency in the samples (a single DFT bin).</summary>
    private static double Magnitude(ReadOnlySpan<float> samples, double frequency, int rate)
    {
        double real = 0, imaginary = 0;
        for (var index = 0; index < samples.Length; index++)
        {
            var angle = 2 * Math.PI * frequency * index / rate;
            real += samples[index] * Math.Cos(angle);
            imaginary += samples[index] * Math.Sin(angle);
        }

        return 2 * Math.Sqrt(real * real + imaginary * imaginary) / samples.Length;
    }
}
