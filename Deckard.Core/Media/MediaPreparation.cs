using System.Globalization;

namespace Deckard.Core.Media;

/// <summary>
/// Turns a portrait and speech into what StableAvatar was trained on: audio as 16 kHz mono WAV, at least one
/// generation window long (shorter audio gives no video), at most a configured length; the portrait cropped to a
/// centred square and scaled to the render size (512×512 by default).
/// </summary>
public static class MediaPreparation
{
    /// <summary>One window of StableAvatar at its defaults: 81 frames at 25 fps.</summary>
    public static TimeSpan MinimumWindow(int clipFrames = 81, int fps = 25) => TimeSpan.FromSeconds((double)clipFrames / fps);

    /// <summary>
    /// Converts <paramref name="input"/> to 16 kHz mono PCM WAV at <paramref name="output"/>. Speech shorter than
    /// <paramref name="minimum"/> is padded with silence when it is at least <paramref name="shortest"/> long, and
    /// refused otherwise; speech longer than <paramref name="maximum"/> is refused. Returns the prepared duration.
    /// One ffmpeg run does it: the length is read from the converted samples and the padding is appended here,
    /// since every ffmpeg or ffprobe start costs a noticeable part of the step.
    /// </summary>
    public static async Task<TimeSpan> PrepareSpeechAsync(
        string input, string output, TimeSpan minimum, TimeSpan shortest, TimeSpan maximum, CancellationToken cancellationToken)
    {
        // Converting a little past the maximum is enough to know it is too long, without decoding an hour of audio.
        var limit = (maximum + TimeSpan.FromSeconds(1)).TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
        await FfmpegAsync(cancellationToken,
            "-i", input, "-map", "0:a:0", "-t", limit, "-ac", "1", "-ar", "16000", "-c:a", "pcm_s16le",
            "-fflags", "+bitexact", "-flags:a", "+bitexact", "-f", "wav", output);
        var duration = await PcmWav.DurationAsync(output, cancellationToken)
            ?? throw new MediaPreparationException("The speech could not be converted to 16 kHz mono WAV.");
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
            return minimum;
        }

        return duration;
    }

    /// <summary>Crops the portrait to a centred square and scales it to <paramref name="size"/>×<paramref name="size"/> PNG.</summary>
    public static Task PreparePortraitAsync(string input, string output, int size, CancellationToken cancellationToken) =>
        FfmpegAsync(cancellationToken,
            "-i", input, "-frames:v", "1",
            "-vf", $"crop='min(iw,ih)':'min(iw,ih)',scale={size}:{size}:flags=lanczos,format=rgb24", output);

    private static async Task FfmpegAsync(CancellationToken cancellationToken, params string[] arguments)
    {
        var result = await MediaTool.RunAsync("ffmpeg", ["-v", "error", "-y", .. arguments], cancellationToken);
        if (!result.Succeeded)
        {
            throw new MediaPreparationException($"ffmpeg could not process the file: {result.Errors.Trim()}");
        }
    }
}
