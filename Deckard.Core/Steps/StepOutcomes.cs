namespace Deckard.Core.Steps;

/// <summary>What storing a successful run did.</summary>
public enum StepCompletion
{
    /// <summary>The run had been overtaken (reclaimed, or its session ended): nothing was stored.</summary>
    Overtaken,

    /// <summary>Stored; the session goes on (a next step, a live conversation, or other runs still to finish).</summary>
    Stored,

    /// <summary>Stored, and it was the session's last unfinished work: the session completed.</summary>
    SessionCompleted,
}

/// <summary>What storing a failed run did.</summary>
public enum StepFailureOutcome
{
    Overtaken,

    /// <summary>An extra run (a conversation turn's render) failed alone; the session goes on.</summary>
    StepFailed,

    /// <summary>An extra run failed and nothing else was left: the session completed without it.</summary>
    StepFailedSessionCompleted,

    /// <summary>A flow's step failed, and its session with it.</summary>
    SessionFailed,
}
