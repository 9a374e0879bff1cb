using System.Text.Json;
using Deckard.Core.Steps;

namespace Deckard.Core.Sessions;

/// <summary>A validated new session: the uploads were checked and spooled to files, the prompt and options parsed.</summary>
/// <remarks>
/// <see cref="Audio"/> is a voice prompt (transcribed, then routed); <see cref="Portrait"/> with <see cref="Speech"/>
/// asks for that speech lip-synced onto that portrait.
/// </remarks>
public sealed record NewSession(
    string? Prompt, UploadedFile? Audio, SessionOptions Options, string? TraceParent, UploadedFile? Portrait = null, UploadedFile? Speech = null)
{
    /// <summary>The files stored as the session's first artifacts.</summary>
    public IEnumerable<UploadedFile> Uploads => new[] { Audio, Portrait, Speech }.OfType<UploadedFile>();

    public string FirstStep => Speech is not null ? StepNames.Lipsync : Audio is not null ? StepNames.Transcribe : StepNames.Classify;

    /// <summary>The W3C trace id of the request that made the session (from its <c>traceparent</c>), or null outside a trace.</summary>
    public string? TraceId => System.Diagnostics.ActivityContext.TryParse(TraceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>What the session started from, as <c>session.created</c> says.</summary>
    public string InputKind => Speech is not null ? "portrait-and-speech" : Audio is not null ? "audio" : "prompt";
}

/// <summary>An upload spooled to <paramref name="Path"/>, stored as an artifact of <paramref name="Kind"/> and <paramref name="Role"/>.</summary>
public sealed record UploadedFile(string Path, string Kind, string ContentType, string Role);

public sealed record SessionView(
    Guid Id,
    string Status,
    string? Prompt,
    string? Transcript,
    string? Intent,
    JsonElement? IntentArguments,
    SessionOptions Options,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    string? TraceId,
    IReadOnlyList<StepView> Steps,
    IReadOnlyList<ArtifactView> Artifacts);

public sealed record StepView(string Name, string State, int Attempts, string? Error, ModelUsage? Usage, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt);

public sealed record ArtifactView(Guid Id, string Kind, string Role, string ContentType, long SizeBytes, DateTimeOffset CreatedAt);

public enum CancelOutcome
{
    Cancelled,
    NotFound,
    AlreadyFinished,
}
