namespace Deckard.Core.StableAvatar;

/// <summary>A portrait and the speech to lip-sync onto it (both files prepared for StableAvatar), and where to write the video.</summary>
public sealed record RenderRequest(
    string ImagePath, string AudioPath, string OutputPath, IReadOnlyDictionary<string, string>? Parameters = null, TimeSpan? AudioDuration = null);

/// <summary>
/// A finished render: the video on disk, the seed StableAvatar used, how many submissions it took, and how long the
/// successful one took from submission to result (the GPU time it paid for), and the pod that rendered it.
/// </summary>
public sealed record RenderResult(string VideoPath, string? Seed, int Submissions, int HttpRequests, TimeSpan RenderTime, Uri? Pod = null);

/// <summary>
/// Where a render is, for the browser: uploading, queued, rendering (again on each heartbeat), downloading; with the
/// time since the render started and, once the parameters are known, the cost model's estimate of its whole length.
/// </summary>
public sealed record RenderProgress(string Stage, int Submission, TimeSpan Elapsed, TimeSpan? Estimate = null);
