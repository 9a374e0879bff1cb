using System.ComponentModel.DataAnnotations;

namespace Deckard.Api.Conversations;

/// <summary>Limits and timings of live conversations (configuration section <c>Conversation</c>), validated at start.</summary>
public sealed class ConversationOptions
{
    public const string SectionName = "Conversation";

    /// <summary>A conversation with nobody speaking (or no browser connected) this long ends.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan IdleTimeout { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>Ended cleanly just before the upstream's own 60-minute limit would cut it.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "01:00:00")]
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(59.5);

    /// <summary>A browser frame larger than this closes the socket (1008, policy violation).</summary>
    [Range(1024, 16 * 1024 * 1024)]
    public int MaxFrameBytes { get; set; } = 256 * 1024;

    /// <summary>Decoded audio in one <c>input_audio_buffer.append</c>; more gets an error event (2 s of PCM16 24 kHz).</summary>
    [Range(480, 8 * 1024 * 1024)]
    public int MaxAppendAudioBytes { get; set; } = 96_000;

    /// <summary>Client events per second, sustained (a browser sends audio every 20–100 ms).</summary>
    [Range(1, 10_000)]
    public int EventsPerSecond { get; set; } = 100;

    /// <summary>Client events allowed in a burst above the sustained rate.</summary>
    [Range(1, 100_000)]
    public int EventBurst { get; set; } = 200;

    /// <summary>
    /// How long after a reply could have finished playing a truncate (barge-in) may still cut it; then it is stored
    /// as heard in full.
    /// </summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan PlaybackGrace { get; set; } = TimeSpan.FromMilliseconds(500);

    /// <summary>How long a finished reply waits for the person's transcription before it is stored without it.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:01:00")]
    public TimeSpan TranscriptWait { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>How often a connected conversation tells the database it is attended (and checks its timeouts).</summary>
    [Range(typeof(TimeSpan), "00:00:00.050", "00:10:00")]
    public TimeSpan Heartbeat { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>The assistant's voice when the session names none, or one the Realtime API does not speak.</summary>
    [Required]
    public string DefaultVoice { get; set; } = "marin";
}
