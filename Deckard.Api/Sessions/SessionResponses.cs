using System.Text.Json;
using Deckard.Api.Media;
using Deckard.Api.Telemetry;
using Deckard.Core.Costs;
using Deckard.Core.Sessions;
using Deckard.Core.Steps;
using SessionOptions = Deckard.Core.Sessions.SessionOptions;

namespace Deckard.Api.Sessions;

/// <summary>A session as the API returns it: state, transcript, intent, steps, artifacts with signed links, a conversation's turns, error.</summary>
/// <param name="Results">What the steps produced beyond artifacts and events, by name (e.g. <c>answer</c>: text, spoken text, citations).</param>
/// <param name="Cost">The estimate from the steps' tokens, calls and GPU seconds at the configured prices.</param>
public sealed record SessionResponse(
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
    CostEstimate Cost,
    string? Error,
    DateTimeOffset CreatedAt,
    DateTimeOffset UpdatedAt,
    DateTimeOffset? FinishedAt,
    string? TraceId,
    IReadOnlyList<StepResponse> Steps,
    IReadOnlyList<ArtifactResponse> Artifacts,
    IReadOnlyList<TurnView>? Turns,
    SessionLinks Links)
{
    public static SessionResponse From(SessionView session, MediaUrlSigner signer, TraceLinks traces, CostEstimator costs) => new(
        session.Id, session.Owner, session.Kind, session.Status, session.Prompt, session.Transcript, session.Intent, session.IntentArguments,
        session.Options, session.Results, costs.Estimate(session.Steps),
        session.Error, session.CreatedAt, session.UpdatedAt, session.FinishedAt, session.TraceId,
        [.. session.Steps.Select(step => new StepResponse(
            step.Name, step.Instance.Length > 0 ? step.Instance : null, step.State, step.Attempts, step.Error, step.Usage, step.GpuSeconds,
            step.StartedAt, step.FinishedAt, step.Output))],
        [.. session.Artifacts.Select(artifact => new ArtifactResponse(
            artifact.Id, artifact.Kind, artifact.Role, artifact.ContentType, artifact.SizeBytes, artifact.CreatedAt, signer.SignedPath(artifact.Id)))],
        session.Turns,
        SessionLinks.For(session.Id) with
        {
            Trace = traces.For(session.TraceId),
            Realtime = session.Status == SessionStatus.Conversing ? $"/api/sessions/{session.Id}/realtime" : null,
        });
}

/// <param name="Instance">Which run of the step, when a session runs it more than once (<c>turn-3</c>); null otherwise.</param>
public sealed record StepResponse(
    string Name, string? Instance, string State, int Attempts, string? Error, ModelUsage? Usage, double? GpuSeconds, DateTimeOffset? StartedAt, DateTimeOffset? FinishedAt,
    JsonElement? Output);

public sealed record ArtifactResponse(Guid Id, string Kind, string Role, string ContentType, long SizeBytes, DateTimeOffset CreatedAt, string Url);

/// <summary>
/// Where to go from a session; <see cref="Trace"/> is its trace on the dashboard (Development only), and
/// <see cref="Realtime"/> the WebSocket of a live conversation.
/// </summary>
public sealed record SessionLinks(string Self, string Events, string Cancel, string? Trace = null, string? Realtime = null)
{
    public static SessionLinks For(Guid id) => new($"/api/sessions/{id}", $"/api/sessions/{id}/events", $"/api/sessions/{id}/cancel");
}

public sealed record SessionSummary(Guid Id, string Status, string? Intent, string? Error, DateTimeOffset CreatedAt, DateTimeOffset? FinishedAt, SessionLinks Links);

public sealed record SessionPage(IReadOnlyList<SessionSummary> Items, string? NextCursor);

public sealed record EventResponse(long Id, string Type, JsonElement Data, DateTimeOffset CreatedAt);
