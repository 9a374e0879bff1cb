using System.Buffers.Binary;
using System.Globalization;

namespace Deckard.RunPodMock.Media;

/// <summary>
/// The driving audio as StableAvatar reads it (<c>librosa.load(path, sr=16000)</c>: mono, 16 kHz), decoded by ffmpeg.
/// Its length sets the video's; its loudness drives the rendered mouth.
/// </summary>
public sealed class AudioTrack
{
    public const int SampleRate = 16000;

    private readonly short[] _samples;

    private AudioTrack(short[] samples) => _samples = samples;

    public int SampleCount => _samples.Length;

    public double Seconds => (double)_samples.Length / SampleRate;

    /// <summary>Decodes any format ffmpeg reads; null with ffmpeg's reason when it cannot.</summary>
    public static async Task<(AudioTrack? Track, string? Error)> DecodeAsync(string ffmpeg, string path, CancellationToken cancellationToken)
    {
        var result = await MediaTool.RunAsync(ffmpeg,
            ["-hide_banner", "-loglevel", "error", "-nostdin", "-i", path, "-vn", "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture), "-f", "s16le", "pipe:1"],
            cancellationToken);
        if (!result.Succeeded)
        {
            return (null, result.Errors.Trim());
        }

        var samples = new short[result.Output.Length / 2];
        for (var index = 0; index < samples.Length; index++)
        {
            samples[index] = BinaryPrimitives.ReadInt16LittleEndian(result.Output.AsSpan(index * 2, 2));
        }

        return (new AudioTrack(samples), null);
    }

    /// <summary>StableAvatar's frame count: <c>len(audio_16k) / int(16000 / fps)</c>.</summary>
    public int FrameCount(double fps) => (int)(_samples.Length / Math.Max(1, (int)(SampleRate / fps)));

    /// <summary>The loudness of each video frame (RMS over the frame's samples) scaled so the loudest frame is 1.</summary>
    public double[] LoudnessPerFrame(double fps)
    {
        var frames = (int)Math.Ceiling(Seconds * fps);
        var envelope = new double[frames];
        for (var frame = 0; frame < frames; frame++)
        {
            var from = (int)(frame / fps * SampleRate);
            var to = Math.Min(_samples.Length, (int)((frame + 1) / fps * SampleRate));
            double sum = 0;
            for (var index = from; index < to; index++)
            {
                sum += (double)_samples[index] * _samples[index];
            }

            envelope[frame] = to > from ? Math.Sqrt(sum / (to - from)) : 0;
        }

        var loudest = envelope.Length == 0 ? 0 : envelope.Max();
        if (loudest < 1)
        {
            return new double[frames];
        }

        for (var frame = 0; frame < frames; frame++)
        {
            envelope[frame] /= loudest;
        }

        return envelope;
    }
}
