namespace Deckard.OpenAIMock.Speech;

/// <summary>An output format of <c>/v1/audio/speech</c>: its ffmpeg encoding and the Content-Type OpenAI sends.</summary>
public sealed record SpeechFormat(string Name, string ContentType, IReadOnlyList<string> FfmpegOutput)
{
    public static readonly IReadOnlyList<SpeechFormat> All =
    [
        new("mp3", "audio/mpeg", ["-c:a", "libmp3lame", "-b:a", "64k", "-f", "mp3"]),
        // Ogg-contained Opus, which OpenAI labels audio/opus (recorded in GenerateSpeechTests/OutputFormatWorks(opus)).
        new("opus", "audio/opus", ["-c:a", "libopus", "-b:a", "32k", "-f", "ogg"]),
        new("aac", "audio/aac", ["-c:a", "aac", "-b:a", "64k", "-f", "adts"]),
        new("flac", "audio/flac", ["-c:a", "flac", "-f", "flac"]),
        new("wav", "audio/wav", ["-c:a", "pcm_s16le", "-f", "wav"]),
        new("pcm", "audio/pcm", ["-c:a", "pcm_s16le", "-f", "s16le"]),
    ];

    /// <summary>Raw 16-bit little-endian mono at 24 kHz, as Realtime and the <c>pcm</c> format carry it.</summary>
    public static SpeechFormat Pcm => All[^1];

    public static SpeechFormat? Find(string name) => All.FirstOrDefault(format => format.Name == name);
}
