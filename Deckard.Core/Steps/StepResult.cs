using Deckard.Core.Artifacts;

namespace Deckard.Core.Steps;

/// <summary>What one successful run of a step produced; stored in one transaction with the step's completion.</summary>
public sealed record StepResult
{
    /// <summary>Events for the browser, in order (e.g. <c>transcript.ready</c>).</summary>
    public IReadOnlyList<(string Type, object Data)> Events { get; init; } = [];

    public IReadOnlyList<NewArtifact> Artifacts { get; init; } = [];

    public string? Transcript { get; init; }

    public (string Intent, object Arguments)? Intent { get; init; }

    /// <summary>
    /// What the session shows beyond artifacts and events (e.g. <c>answer</c>: text, spoken text, citations), by
    /// name; merged into the session's <c>results</c>, which <c>GET /api/sessions/{id}</c> returns as they are.
    /// </summary>
    public IReadOnlyDictionary<string, object> Results { get; init; } = new Dictionary<string, object>();

    /// <summary>What the step records as its own output (shown in the session's steps).</summary>
    public object? Output { get; init; }

    public ModelUsage? Usage { get; init; }

    /// <summary>GPU time the step paid for (a render's time on the pod), for the cost estimate.</summary>
    public double? GpuSeconds { get; init; }

    /// <summary>Nothing is left for the rest of the flow to do (e.g. an answer with nothing to speak): the session completes.</summary>
    public bool EndsFlow { get; init; }
}

/// <summary>Model and tokens of one model call, kept per step for cost accounting.</summary>
public sealed record ModelUsage(string Model, int? InputTokens, int? OutputTokens, int? TotalTokens);
