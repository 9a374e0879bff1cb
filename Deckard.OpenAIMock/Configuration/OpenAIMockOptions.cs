namespace Deckard.OpenAIMock.Configuration;

/// <summary>Settings of the stand-in, bound from the <c>OpenAIMock</c> configuration section.</summary>
public sealed class OpenAIMockOptions
{
    public const string SectionName = "OpenAIMock";

    /// <summary>The only key accepted as <c>Authorization: Bearer ...</c> on <c>/v1</c>.</summary>
    public string ApiKey { get; set; } = "sk-deckard-local";

    /// <summary>When set, the admin API requires it in the <c>X-Admin-Key</c> header; when empty, the admin API is open.</summary>
    public string? AdminKey { get; set; }

    /// <summary>Delay added to every <c>/v1</c> call until an admin call changes it.</summary>
    public int DefaultLatencyMs { get; set; }

    /// <summary>How many received requests the journal keeps (oldest dropped first).</summary>
    public int JournalCapacity { get; set; } = 1000;

    public RealtimeMockOptions Realtime { get; set; } = new();

    public MediaMockOptions Media { get; set; } = new();
}

public sealed class RealtimeMockOptions
{
    /// <summary>Seconds of assistant audio sent per second of wall time: 1 is real time, 0 sends as fast as possible.</summary>
    public double PlaybackRate { get; set; } = 1.0;

    /// <summary>Length of audio carried by one <c>response.output_audio.delta</c>.</summary>
    public int AudioChunkMilliseconds { get; set; } = 100;
}

public sealed class MediaMockOptions
{
    /// <summary>Speaking rate at speed 1.0, in words per minute.</summary>
    public int WordsPerMinute { get; set; } = 150;

    public string EspeakPath { get; set; } = "espeak-ng";

    public string FfmpegPath { get; set; } = "ffmpeg";
}
