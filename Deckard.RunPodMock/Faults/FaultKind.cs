namespace Deckard.RunPodMock.Faults;

/// <summary>The failures a real StableAvatar pod behind RunPod's proxy shows, as the stand-in can inject them.</summary>
public enum FaultKind
{
    /// <summary>A join answers 503 "Queue is full. Max size is N and size is M."</summary>
    QueueFull,

    /// <summary>The proxy answers 502 while the pod boots (models loading) for <c>seconds</c>.</summary>
    PodBooting,

    /// <summary>The run raises an exception (CUDA OOM): <c>{"error": null}</c> unless show_error.</summary>
    RunCrash,

    /// <summary>The run raises <c>gr.Error(message)</c>: visible on the queue protocol, null on 4.x/5.x <c>/call</c>.</summary>
    RunError,

    /// <summary>The proxy cuts the job's result stream once it runs: Gradio then throws the result away.</summary>
    StreamDrop,

    /// <summary>The job's result stream goes silent (no heartbeats, no result) while the connection stays open.</summary>
    HeartbeatStop,

    /// <summary>A non-streaming request gets no answer until the proxy gives up with 524.</summary>
    ProxyTimeout,

    /// <summary>The Gradio process restarts at once (an admin action): open streams get "Server stopped unexpectedly.", every job is lost.</summary>
    ServerRestart,

    /// <summary>A <c>file=</c> download is cut after <c>after_bytes</c> bytes.</summary>
    DownloadTruncated,
}

public static class FaultKindNames
{
    /// <summary>The snake_case name the admin API and the README use.</summary>
    public static string ToName(this FaultKind kind) => kind switch
    {
        FaultKind.QueueFull => "queue_full",
        FaultKind.PodBooting => "pod_booting",
        FaultKind.RunCrash => "run_crash",
        FaultKind.RunError => "run_error",
        FaultKind.StreamDrop => "stream_drop",
        FaultKind.HeartbeatStop => "heartbeat_stop",
        FaultKind.ProxyTimeout => "proxy_timeout",
        FaultKind.ServerRestart => "server_restart",
        FaultKind.DownloadTruncated => "download_truncated",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    public static IReadOnlyList<string> All { get; } = [.. Enum.GetValues<FaultKind>().Select(ToName)];

    /// <summary>Accepts <c>queue_full</c> as well as <c>QueueFull</c>, in any case.</summary>
    public static bool TryParse(string? text, out FaultKind kind)
    {
        var compact = (text ?? "").Replace("_", "", StringComparison.Ordinal).Replace("-", "", StringComparison.Ordinal);
        return Enum.TryParse(compact, ignoreCase: true, out kind) && Enum.IsDefined(kind) && !int.TryParse(compact, out _);
    }
}
