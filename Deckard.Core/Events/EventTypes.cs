namespace Deckard.Core.Events;

/// <summary>The event types of the public contract (DESIGN.md section 4), plus <see cref="StepRetrying"/>.</summary>
public static class EventTypes
{
    public const string SessionCreated = "session.created";
    public const string StepStarted = "step.started";
    public const string StepCompleted = "step.completed";
    public const string StepFailed = "step.failed";

    /// <summary>A transient failure; the step runs again after the delay the event names.</summary>
    public const string StepRetrying = "step.retrying";
    public const string TranscriptReady = "transcript.ready";
    public const string IntentClassified = "intent.classified";
    public const string ArtifactCreated = "artifact.created";
    public const string AnswerReady = "answer.ready";
    public const string LipsyncProgress = "lipsync.progress";

    /// <summary>A routed conversation is live: the browser may open <c>GET /api/sessions/{id}/realtime</c>.</summary>
    public const string ConversationReady = "conversation.ready";

    /// <summary>A realtime socket was opened (or re-opened) for the conversation.</summary>
    public const string ConversationConnected = "conversation.connected";

    /// <summary>One assistant reply: turn number, both transcripts, the reply's audio artifact.</summary>
    public const string TurnCompleted = "turn.completed";

    /// <summary>The conversation is over (hang-up, idle, the upstream's time limit); its renders may still be running.</summary>
    public const string ConversationEnded = "conversation.ended";
    public const string SessionCompleted = "session.completed";
    public const string SessionFailed = "session.failed";
    public const string SessionCancelled = "session.cancelled";

    public static bool IsTerminal(string type) => type is SessionCompleted or SessionFailed or SessionCancelled;
}
