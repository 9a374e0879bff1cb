using Deckard.Core.Sessions;

namespace Deckard.Core.Steps;

/// <summary>What one successful run of a step produced; stored in one transaction with the step's completion.</summary>
public sealed record StepResult
{
    /// <summary>Events for the browser, in order (e.g. <c>transcript.ready</c>).</summary>
    public IReadOnlyList<(string Type, object Data)> Events { get; init; } = [];

    public IReadOnlyList<NewArtifact> Artifacts { get; init; } = [];

    public string? Transcript { get; init; }

    public (string Intent, object Arguments)? Intent { get; init; }

    /// <summary>The next step and its input; null ends the session <see cref="SessionStatus.Completed"/>.</summary>
    public (string Step, object? Input)? Next { get; init; }

    /// <summary>What the step records as its own output (shown in the session's steps).</summary>
    public object? Output { get; init; }

    public ModelUsage? Usage { get; init; }
}

/// <summary>An artifact to store. <see cref="Role"/> is unique per session, so a re-run step cannot store it twice.</summary>
public sealed record NewArtifact(string Kind, string Role, string ContentType, byte[] Data);

/// <summary>Model and tokens of one model call, kept per step for cost accounting.</summary>
public sealed record ModelUsage(string Model, int? InputTokens, int? OutputTokens, int? TotalTokens);
