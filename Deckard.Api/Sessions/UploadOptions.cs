using System.ComponentModel.DataAnnotations;

namespace Deckard.Api.Sessions;

/// <summary>Limits on what a new session may carry (configuration section <c>Uploads</c>).</summary>
public sealed class UploadOptions
{
    public const string SectionName = "Uploads";

    /// <summary>OpenAI's transcription endpoint takes files up to 25 MB.</summary>
    [Range(1024, 1L << 30)]
    public long MaxAudioBytes { get; set; } = 25 * 1024 * 1024;

    /// <summary>A portrait is scaled down to StableAvatar's size; a phone photo fits comfortably.</summary>
    [Range(1024, 1L << 30)]
    public long MaxPortraitBytes { get; set; } = 15 * 1024 * 1024;

    [Range(typeof(TimeSpan), "00:00:01", "02:00:00")]
    public TimeSpan MaxAudioDuration { get; set; } = TimeSpan.FromMinutes(10);

    [Range(1, 100_000)]
    public int MaxPromptCharacters { get; set; } = 4000;

    [Range(64, 1024 * 1024)]
    public int MaxOptionsBytes { get; set; } = 16 * 1024;

    /// <summary>The whole multipart body: room for the largest portrait and speech together, and the text fields.</summary>
    [Range(64 * 1024, 4L << 30)]
    public long MaxRequestBytes { get; set; } = 41 * 1024 * 1024;

    /// <summary>A part this version does not read is skipped, up to this size; a larger one is refused.</summary>
    [Range(0, 16 * 1024 * 1024)]
    public int MaxUnknownPartBytes { get; set; } = 64 * 1024;

    /// <summary>When true, a recorded voice (audio or speech) is accepted only with the form field <c>consent=true</c>.</summary>
    public bool RequireVoiceConsent { get; set; }
}
