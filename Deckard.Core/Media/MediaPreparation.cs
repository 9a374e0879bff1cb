using System.Globalization;

namespace Deckard.Core.Media;

/// <summary>
/// Turns a portrait and speech into what StableAvatar was trained on: audio as 16 kHz mono WAV, at least one
/// generation window long (shorter audio gives no video), at most a configured length; the portrait cropped to a
/// centred square and scaled to the render size (512×512 by default).
/// </summary>
public static class MediaPreparation
{
    /// <summary>StableAvatar's audio rate (its wav2vec2 encoder's).</summary>
    private const int TargetRate = 16000;

    /// <summary>One window of StableAvatar at its defaults: 81 frames at 25 fps.</summary>
    public static TimeSpan MinimumWindow(int clipFrames = 81, int fps = 25) => TimeSpan.FromSeconds((double)clipFrames / fps);

    /// <summary>
    /// Converts <paramref name="input"/> to 16 kHz mono PCM WAV at <paramref name="output"/>. Speech shorter than
    /// <paramref name="minimum"/> is padded with silence when it is at least <paramref name="shortest"/> long, and
    /// refused otherwise; speech longer than <paramref name="maximum"/> is refused. A PCM or float WAV (what browsers
    /// record and people upload most) is decoded, averaged to mono and resampled here; anything else takes one ffmpeg
    /// run. Starting ffmpeg costs more than the whole in-process conversion of a minute of speech.
    /// </summary>
    public static async Task<PreparedSpeech> PrepareSpeechAsync(
        string input, string output, TimeSpan minimum, TimeSpan shortest, TimeSpan maximum, CancellationToken cancellationToken)
    {
        var converted = await Task.Run(() => ConvertWavInProcess(input, output, maximum), cancellationToken);
        var duration = converted ?? await ConvertWithFfmpegAsync(input, output, maximum, cancellationToken);
        if (duration < shortest)
        {
            throw new MediaPreparationException(
                $"The speech is {duration.TotalSeconds:0.0} s long; lip-sync needs at least {shortest.TotalSeconds:0.0} s.");
        }

        if (duration > maximum)
        {
            throw new MediaPreparationException(
                $"The speech is over {maximum.TotalSeconds:0} s long; lip-sync takes at most {maximum.TotalSeconds:0} s.");
        }

        if (duration < minimum)
        {
            await PcmWav.PadAsync(output, minimum, cancellationToken);
            duration = minimum;
        }

        return new PreparedSpeech(duration, InProcess: converted is not null);
    }

    /// <summary>
    /// Crops the portrait to a centred square and scales it to <paramref name="size"/>×<paramref name="size"/> PNG: a
    /// non-interlaced PNG (what gpt-image-1 makes) in process, anything else with ffmpeg. True when done in process.
    /// </summary>
    public static async Task<bool> PreparePortraitAsync(string input, string output, int size, CancellationToken cancellationToken)
    {
        var image = PngDecoder.Decode(await File.ReadAllBytesAsync(input, cancellationToken));
        if (image is not null)
        {
            var png = await Task.Run(() => PngEncoder.Encode(SquareScaler.CropAndScale(image, size)), cancellationToken);
            await File.WriteAllBytesAsync(output, png, cancellationToken);
            return true;
        }

        await FfmpegAsync(cancellationToken,
            "-i", input, "-frames:v", "1",
            "-vf", $"crop='min(iw,ih)':'min(iw,ih)',scale={size}:{size}:flags=lanczos,format=rgb24", output);
        return false;
    }

    /// <summary>The prepared speech's length, or null when the file is not a WAV this reads (ffmpeg converts it).</summary>
    private static TimeSpan? ConvertWavInProcess(string input, string output, TimeSpan maximum)
    {
        using var file = File.OpenRead(input);
        var layout = WavSamples.ReadLayout(file);
        if (layout is null || !Resampler.CanResample(layout.SampleRate, TargetRate))
        {
            return null;
        }

        if (layout.Duration > maximum)
        {
            return layout.Duration; // refused by the caller, without decoding it
        }

        var samples = Resampler.Resample(WavSamples.ReadMono(file, layout), layout.SampleRate, TargetRate);
        PcmWav.Write(output, samples, TargetRate);
        return TimeSpan.FromSeconds(samples.Length / (double)TargetRate);
    }

    private static async Task<TimeSpan> ConvertWithFfmpegAsync(string input, string output, TimeSpan maximum, CancellationToken cancellationToken)
    {
        // Converting a little past the maximum is enough to know it is too long, without decoding an hour of audio.
        var limit = (maximum + TimeSpan.FromSeconds(1)).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        await FfmpegAsync(cancellationToken,
            "-i", input, "-map", "0:a:0", "-t", limit, "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
            "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "wav", output);
        return await PcmWav.DurationAsync(output, cancellationToken)
            ?? throw new MediaPreparationException("The speech could not be converted to 16 kHz mono WAV.");
    }

    private static async Task FfmpegAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-y", .. arguments], cancellationToken);
        if (!result.Succeeded)
        {
            throw new MediaPreparationException($"ffmpeg could not process the file: {result.Errors.Trim()}");
        }
    }
}
