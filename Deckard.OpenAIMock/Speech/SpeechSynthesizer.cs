using System.Globalization;
using System.Text;
using Deckard.OpenAIMock.Configuration;
using Deckard.OpenAIMock.Media;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Speech;

/// <summary>
/// Real speech: espeak-ng speaks the text to WAV, ffmpeg converts it to 24 kHz mono in the requested format.
/// The speaking rate is <see cref="MediaMockOptions.WordsPerMinute"/> times the speed.
/// </summary>
public sealed class SpeechSynthesizer(IOptions<OpenAIMockOptions> options)
{
    public const int SampleRate = 24_000;

    /// <summary>espeak-ng's words-per-minute setting runs fast: measured, this factor makes the spoken rate match.</summary>
    private const double EspeakRateCalibration = 0.855;

    private const int EspeakMinimumRate = 80;
    private const int EspeakMaximumRate = 450;

    public async Task<byte[]> SynthesizeAsync(string text, string voice, double speed, SpeechFormat format, CancellationToken cancellationToken)
    {
        var media = options.Value.Media;
        var wanted = media.WordsPerMinute * EspeakRateCalibration * speed;
        var espeakRate = (int)Math.Round(Math.Clamp(wanted, EspeakMinimumRate, EspeakMaximumRate));
        // Outside espeak's range, ffmpeg's tempo filter does the rest.
        var tempo = wanted / espeakRate;

        await using var espeak = MediaProcess.Start(media.EspeakPath,
            ["-v", SpeechVoices.EspeakVoiceFor(voice), "-s", espeakRate.ToString(CultureInfo.InvariantCulture), "--stdout", "--stdin"]);
        await using var ffmpeg = MediaProcess.Start(media.FfmpegPath,
        [
            "-hide_banner", "-loglevel", "error", "-f", "wav", "-i", "pipe:0",
            .. Math.Abs(tempo - 1) > 0.01 ? new[] { "-filter:a", TempoFilter(tempo) } : [],
            "-ac", "1", "-ar", SampleRate.ToString(CultureInfo.InvariantCulture),
            .. format.FfmpegOutput, "pipe:1",
        ]);

        var speak = MediaProcess.FeedAsync(espeak.Input, Encoding.UTF8.GetBytes(text + "\n"), cancellationToken);
        var pump = PumpAsync(espeak.Output, ffmpeg.Input, cancellationToken);
        using var output = new MemoryStream();
        await ffmpeg.Output.CopyToAsync(output, cancellationToken);
        await Task.WhenAll(speak, pump);
        await espeak.WaitForSuccessAsync(cancellationToken);
        await ffmpeg.WaitForSuccessAsync(cancellationToken);
        return output.ToArray();
    }

    private static async Task PumpAsync(Stream from, Stream to, CancellationToken cancellationToken)
    {
        await using (to)
        {
            await from.CopyToAsync(to, cancellationToken);
        }
    }

    private static string TempoFilter(double tempo)
    {
        // atempo accepts 0.5 to 100 per stage.
        var stages = new List<string>();
        while (tempo < 0.5)
        {
            stages.Add("atempo=0.5");
            tempo /= 0.5;
        }

        stages.Add(string.Create(CultureInfo.InvariantCulture, $"atempo={tempo:0.####}"));
        return string.Join(",", stages);
    }
}
