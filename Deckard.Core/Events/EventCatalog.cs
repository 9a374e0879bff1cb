namespace Deckard.Core.Events;

/// <summary>Each event type of the public contract and the record its data is: one table for writers, docs and clients.</summary>
public static class EventCatalog
{
    public static IReadOnlyDictionary<string, Type> DataTypes { get; } = new Dictionary<string, Type>(StringComparer.Ordinal)
    {
        [EventTypes.SessionCreated] = typeof(SessionCreatedData),
        [EventTypes.StepStarted] = typeof(StepStartedData),
        [EventTypes.StepCompleted] = typeof(StepCompletedData),
        [EventTypes.StepRetrying] = typeof(StepRetryingData),
        [EventTypes.StepFailed] = typeof(StepFailedData),
        [EventTypes.TranscriptReady] = typeof(TranscriptReadyData),
        [EventTypes.IntentClassified] = typeof(IntentClassifiedData),
        [EventTypes.ArtifactCreated] = typeof(ArtifactCreatedData),
        [EventTypes.AnswerReady] = typeof(AnswerReadyData),
        [EventTypes.LipsyncProgress] = typeof(LipsyncProgressData),
        [EventTypes.ConversationReady] = typeof(ConversationReadyData),
        [EventTypes.ConversationConnected] = typeof(ConversationConnectedData),
        [EventTypes.TurnCompleted] = typeof(TurnCompletedData),
        [EventTypes.ConversationEnded] = typeof(ConversationEndedData),
        [EventTypes.SessionCompleted] = typeof(SessionCompletedData),
        [EventTypes.SessionFailed] = typeof(SessionFailedData),
        [EventTypes.SessionCancelled] = typeof(SessionCancelledData),
    };
}
