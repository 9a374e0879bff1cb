using System.Text.Json;
using Deckard.Core.Sessions;

namespace Deckard.Core.Steps;

/// <summary>
/// What a step sees of its session when it runs. <see cref="ReportAsync"/> adds a progress event at once (not with
/// the step's result), as long as this run still holds the step; it throws <see cref="ProgressNotStoredException"/>
/// when the event could not be stored. <see cref="Instance"/> is empty for a flow's own run of a step, and names the
/// run when a session runs the step more than once (<c>turn-3</c>: the render of a conversation's third reply).
/// </summary>
public sealed record StepContext(
    Guid SessionId,
    string StepName,
    string Instance,
    int Attempt,
    string Owner,
    string Kind,
    string? Prompt,
    string? Transcript,
    string? Intent,
    JsonElement? IntentArguments,
    SessionOptions Options,
    JsonElement Results,
    bool OwnerHasAvatar,
    JsonElement? Input,
    Func<string, object, CancellationToken, Task> ReportAsync)
{
    public FlowFacts Facts => new(Kind, Intent, Options, OwnerHasAvatar);

    /// <summary>What the person said or typed.</summary>
    public string? Request => Transcript ?? Prompt;

    /// <summary>A string argument the router gave (e.g. <c>query</c>), or null.</summary>
    public string? IntentArgument(string name) =>
        IntentArguments is { ValueKind: JsonValueKind.Object } arguments && arguments.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : null;

    /// <summary>A result an earlier step stored (e.g. <c>answer</c>), or null.</summary>
    public JsonElement? Result(string name) =>
        Results.ValueKind == JsonValueKind.Object && Results.TryGetProperty(name, out var value) ? value : null;

    public T? InputAs<T>() => Input is { } input ? input.Deserialize<T>(Storage.DeckardJson.Options) : default;
}

/// <summary>A progress event that could not be stored; the step goes on without it.</summary>
public sealed class ProgressNotStoredException(string message, Exception innerException) : Exception(message, innerException);
