using System.Text.Json;
using Deckard.Core.Artifacts;
using Deckard.Core.Steps;

namespace Deckard.Core.Sessions;

/// <summary>A validated new session: the uploads were checked and spooled to files, the prompt and options parsed.</summary>
/// <remarks>
/// <see cref="Audio"/> is a voice prompt (transcribed, then routed); <see cref="Portrait"/> with <see cref="Speech"/>
/// asks for that speech lip-synced onto that portrait.
/// </remarks>
public sealed record NewSession(
    string Owner, string? Prompt, UploadedFile? Audio, SessionOptions Options, string? TraceParent, UploadedFile? Portrait = null, UploadedFile? Speech = null,
    bool VoiceConsent = false)
{
    /// <summary>The files stored as the session's first artifacts.</summary>
    public IEnumerable<UploadedFile> Uploads => new[] { Audio, Portrait, Speech }.OfType<UploadedFile>();

    public string Kind => Speech is not null ? SessionKinds.Lipsync : Audio is not null ? SessionKinds.Voice : SessionKinds.Prompt;

    /// <summary>The W3C trace id of the request that made the session (from its <c>traceparent</c>), or null outside a trace.</summary>
    public string? TraceId => System.Diagnostics.ActivityContext.TryParse(TraceParent, null, out var context) ? context.TraceId.ToHexString() : null;

    /// <summary>What the session started from, as <c>session.created</c> says.</summary>
    public string InputKind => Speech is not null ? "portrait-and-speech" : Audio is not null ? "audio" : "prompt";
}

/// <summary>An upload spooled to <paramref name="Path"/>, stored as an artifact of <paramref name="Kind"/> and <paramref name="Role"/>.</summary>
public sealed record UploadedFile(string Path, string Kind, string ContentType, string Role);

/// <param name="Results">What steps produced beyond artifacts and events, by name (e.g. <c>answer</c>), as one JSON object.</param>
public sealed record SessionView(
    Guid Id,
    string Owner,
    string Kind,
    string Status,
    string? Prompt,
    string? Transcript,
    string? Intent,
    JsonElement? IntentArguments,
    SessionOptions Options,
    JsonElement Results,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    string? TraceId,
    IReadOnlyList<StepView> Steps,
    IReadOnlyList<ArtifactView> Artifacts,
    IReadOnlyList<TurnView>? Turns = null);

/// <param name="Output">What the step recorded about its run (sizes, counts, whether an answer was reused), never content.</param>
public sealed record StepView(
    string Name, string State, int Attempts, string? Error, ModelUsage? Usage, double? GpuSeconds, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    JsonElement? Output = null, string Instance = "");

/// <summary>One assistant reply of a conversation: what the person said before it, what the assistant said, its audio.</summary>
/// <param name="AudioMs">The reply's captured audio; with <paramref name="Interrupted"/>, what the person heard before speaking over it.</param>
/// <param name="Complete">False when the upstream dropped mid-reply and only part of it was captured.</param>
public sealed record TurnView(
    int Turn, string? User, string? Assistant, Guid? AudioArtifactId, int AudioMs, bool Interrupted, bool Complete, DateTimeOffset CreatedAt);

public enum CancelOutcome
{
    Cancelled,
    NotFound,
    AlreadyFinished,
}
