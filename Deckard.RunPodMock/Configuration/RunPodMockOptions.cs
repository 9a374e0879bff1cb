namespace Deckard.RunPodMock.Configuration;

/// <summary>Settings of the stand-in, bound from the <c>RunPodMock</c> configuration section and validated at start.</summary>
public sealed class RunPodMockOptions
{
    public const string SectionName = "RunPodMock";

    /// <summary>Which Gradio the pod runs: 4 (no <c>/gradio_api</c> prefix), 5 (the default, what StableAvatar pins) or 6 (plain FileData video, error objects on <c>/call</c>).</summary>
    public int GradioVersion { get; set; } = 5;

    /// <summary>Gradio's <c>launch(show_error=...)</c>: when false (StableAvatar's default) a crash reaches clients as <c>{"error": null}</c>.</summary>
    public bool ShowError { get; set; }

    /// <summary>Gradio's <c>queue(max_size=...)</c>: joins beyond it answer 503. Empty means unlimited, as StableAvatar runs.</summary>
    public int? QueueMaxSize { get; set; }

    /// <summary>Seconds between SSE heartbeats on an idle stream (Gradio: 15).</summary>
    public double HeartbeatSeconds { get; set; } = 15;

    /// <summary>The RunPod (Cloudflare) proxy's limit on a request that has not answered: it then replies 524 (RunPod: 100).</summary>
    public double ProxyTimeoutSeconds { get; set; } = 100;

    /// <summary>Simulated pod boot: the proxy answers 502 for this many seconds after start, while the models load.</summary>
    public double StartupDelaySeconds { get; set; }

    /// <summary>Gradio's <c>launch(max_file_size=...)</c> in bytes: larger uploads answer 413. Empty means unlimited.</summary>
    public long? MaxFileSizeBytes { get; set; }

    /// <summary>Gradio's temp folder (<c>GRADIO_TEMP_DIR</c>): uploads and outputs. Empty: a fresh folder under the system temp, deleted at shutdown.</summary>
    public string? TempDirectory { get; set; }

    /// <summary>How many received requests and jobs the admin API keeps (oldest dropped first).</summary>
    public int JournalCapacity { get; set; } = 1000;

    /// <summary>When set, the admin API requires it in the <c>X-Admin-Key</c> header; when empty, the admin API is open.</summary>
    public string? AdminKey { get; set; }

    public CostModelOptions CostModel { get; set; } = new();

    public MediaOptions Media { get; set; } = new();

    /// <summary>Failures armed at start, the same as <c>POST /admin/faults</c> would arm them.</summary>
    public List<FaultOptions> Faults { get; set; } = [];
}

/// <summary>How long a render takes: <c>(SetupSeconds + SecondsPerStepWindow × steps × windows × w·h/512² × offload) × TimeScale</c>.</summary>
public sealed class CostModelOptions
{
    /// <summary>Multiplies every simulated render time: 1 is an RTX 4090's pace, 0.001 makes a render take milliseconds.</summary>
    public double TimeScale { get; set; } = 0.1;

    /// <summary>Fixed cost per job at scale 1: audio features, VAE encode and decode, muxing.</summary>
    public double SetupSeconds { get; set; } = 5;

    /// <summary>Cost of one denoising step over one 81-frame window at 512×512, at scale 1.</summary>
    public double SecondsPerStepWindow { get; set; } = 1.4;
}

public sealed class MediaOptions
{
    public string FfmpegPath { get; set; } = "ffmpeg";

    public string FfprobePath { get; set; } = "ffprobe";

    /// <summary>libx264 preset of the rendered video: ultrafast keeps a render well under a second on two cores.</summary>
    public string X264Preset { get; set; } = "ultrafast";

    /// <summary>Longest audio the renderer accepts, in seconds (StableAvatar has no cap; this keeps a mistaken upload from rendering for an hour).</summary>
    public double MaxAudioSeconds { get; set; } = 600;
}

/// <summary>One failure to inject, as configuration spells it (<c>RunPodMock:Faults:0:Kind</c> ...).</summary>
public sealed class FaultOptions
{
    /// <summary>queue_full, pod_booting, run_crash, run_error, stream_drop, heartbeat_stop, proxy_timeout, server_restart or download_truncated.</summary>
    public string Kind { get; set; } = "";

    /// <summary>How many times it fires; empty means every time until cleared.</summary>
    public int? Count { get; set; }

    public string? Message { get; set; }

    public double? Seconds { get; set; }

    public long? AfterBytes { get; set; }

    /// <summary>For request-level faults (proxy_timeout): only requests whose path contains this text.</summary>
    public string? Match { get; set; }
}
