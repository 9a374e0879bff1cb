
namespace Deckard.DistributedTests.Infrastructure;

/// <summary>Real speech for uploads: espeak-ng speaks, ffmpeg converts. Files are made once per run in a temporary folder.</summary>
public static class TestAudio
{
    private static readonly string Folder = Directory.CreateTempSubdirectory("deckard-audio-").FullName;

    public static async Task<byte[]> SpeechWavAsync(string text)
    {
        var path = Path.Combine(Folder, $"{Guid.NewGuid():N}.wav");
        await ExternalTool.RunAsync("espeak-ng", "-w", path, text);
        return await File.ReadAllBytesAsync(path);
    }

    public static async Task<byte[]> SpeechWebmAsync(string text)
    {
        var wav = Path.Combine(Folder, $"{Guid.NewGuid():N}.wav");
        var webm = Path.ChangeExtension(wav, ".webm");
        await ExternalTool.RunAsync("espeak-ng", "-w", wav, text);
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-i", wav, "-c:a", "libopus", "-b:a", "32k", webm);
        return await File.ReadAllBytesAsync(webm);
    }

    /// <summary>A WAV of <paramref name="seconds"/> seconds: speech, then silence.</summary>
    public static async Task<byte[]> LongWavAsync(string text, int seconds)
    {
        var speech = Path.Combine(Folder, $"{Guid.NewGuid():N}.wav");
        var padded = Path.Combine(Folder, $"{Guid.NewGuid():N}-long.wav");
        await ExternalTool.RunAsync("espeak-ng", "-w", speech, text);
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-i", speech, "-af", "apad", "-t", seconds.ToString(System.Globalization.CultureInfo.InvariantCulture), padded);
        return await File.ReadAllBytesAsync(padded);
    }

    /// <summary>Speech as the Realtime API takes it: raw PCM16, 24 kHz, mono.</summary>
    public static async Task<byte[]> SpeechPcm24kAsync(string text)
    {
        var wav = Path.Combine(Folder, $"{Guid.NewGuid():N}.wav");
        var pcm = Path.ChangeExtension(wav, ".pcm");
        await ExternalTool.RunAsync("espeak-ng", "-w", wav, text);
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-i", wav, "-ar", "24000", "-ac", "1", "-f", "s16le", pcm);
        return await File.ReadAllBytesAsync(pcm);
    }
}
