using System.Text.Json;
using Deckard.Core.Steps;

namespace Deckard.Core.Sessions;

/// <summary>A validated new session: the audio was checked and spooled to a file, the prompt and options parsed.</summary>
public sealed record NewSession(string? Prompt, UploadedAudio? Audio, SessionOptions Options, string? TraceParent);

public sealed record UploadedAudio(string Path, string ContentType, string Role);

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
