using System.Text.Json;
using Deckard.Core.Search;
using Deckard.Core.Steps;

namespace Deckard.Core.Events;

// The data of every event type, one named record each: what the event writers store and what the OpenAPI document
// describes (a generated client gets a type per event). Nulls are left out of the stored JSON.

/// <param name="Input">What the session started from: <c>audio</c>, <c>prompt</c> or <c>portrait-and-speech</c>.</param>
public sealed record SessionCreatedData(Guid SessionId, string Status, string Input, string FirstStep);

/// <param name="Instance">Which run of the step, when a session runs it more than once (<c>turn-2</c>).</param>
public sealed record StepStartedData(string Step, string? Instance, int Attempt);

public sealed record StepCompletedData(string Step, string? Instance, int Attempt, ModelUsage? Usage);

/// <param name="RetryInMs">When the step runs again.</param>
/// <param name="Reason">Why it failed this time, in words a person can read.</param>
public sealed record StepRetryingData(string Step, string? Instance, int Attempt, long RetryInMs, string Reason);

public sealed record StepFailedData(string Step, string? Instance, int Attempt, string Reason);

public sealed record TranscriptReadyData(string Transcript, string? Language, double? DurationSeconds);

/// <param name="Intent"><c>avatar</c>, <c>conversation</c> or <c>search</c>.</param>
/// <param name="Source">The router's tool that chose it, or <c>options</c> when the session named its intent.</param>
/// <param name="Arguments">The intent's arguments (a style, a topic, a question).</param>
public sealed record IntentClassifiedData(string Intent, string Source, JsonElement Arguments);

/// <param name="Kind"><c>image</c>, <c>audio</c>, <c>video</c> or <c>transcript</c>.</param>
public sealed record ArtifactCreatedData(Guid ArtifactId, string Kind, string Role, string ContentType, long SizeBytes);

/// <param name="Reused">True when the same question was answered for this person within the reuse window.</param>
public sealed record AnswerReadyData(string Text, string SpokenText, IReadOnlyList<Citation> Citations, string Model, bool Reused, Guid? ReusedFromSession);

/// <param name="Stage"><c>uploading</c>, <c>queued</c>, <c>rendering</c> or <c>downloading</c>.</param>
/// <param name="Submission">Counts resubmissions of a lost job, from 1.</param>
/// <param name="Turn">The conversation turn whose reply is rendered, for a conversation's render.</param>
public sealed record LipsyncProgressData(string Stage, int Submission, long ElapsedMs, long? EstimatedTotalMs, long? EtaMs, int? Turn);

/// <param name="Realtime">The path of the conversation's WebSocket.</param>
public sealed record ConversationReadyData(Guid SessionId, string Realtime);

public sealed record ConversationConnectedData(Guid SessionId, int NextTurn, string Voice);

public sealed record TurnAudioData(Guid ArtifactId, int DurationMs);

/// <param name="Interrupted">The person spoke over the reply; its audio is what they heard.</param>
/// <param name="Complete">False when the upstream dropped mid-reply.</param>
/// <param name="Lipsync">True when the reply is being lip-synced (a <c>lipsync</c> step of instance <c>turn-N</c>).</param>
public sealed record TurnCompletedData(int Turn, string? User, string? Assistant, TurnAudioData? Audio, bool Interrupted, bool Complete, bool Lipsync);

/// <param name="Reason"><c>hangup</c>, <c>idle</c> or <c>max_duration</c>.</param>
public sealed record ConversationEndedData(Guid SessionId, string Reason, int Turns);

public sealed record SessionCompletedData(Guid SessionId);

/// <param name="Reason">Why, in words a person can act on.</param>
public sealed record SessionFailedData(Guid SessionId, string Reason);

public sealed record SessionCancelledData(Guid SessionId);
