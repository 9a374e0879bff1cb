using System.Text.Json;
using Deckard.Core.Sessions;

namespace Deckard.Core.Steps;

/// <summary>
/// What a step sees of its session when it runs. <see cref="ReportAsync"/> adds a progress event at once (not with
/// the step's result), as long as this run still holds the step.
/// </summary>
public sealed record StepContext(
    Guid SessionId,
    string StepName,
    int Attempt,
    string? Prompt,
    string? Transcript,
    SessionOptions Options,
    JsonElement? Input,
    Func<string, CancellationToken, Task<StoredArtifact?>> ReadArtifactAsync,
    Func<string, object, CancellationToken, Task> ReportAsync);

/// <summary>An artifact's bytes and type, as a step reads them back.</summary>
public sealed record StoredArtifact(Guid Id, string Kind, string ContentType, byte[] Data);
