namespace Deckard.Hosting.Orchestration;

/// <summary>A replica's lifecycle, Aspire's states: terminal are <see cref="Exited"/> (when not restarting) and <see cref="FailedToStart"/>.</summary>
public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Stopping,
    Exited,
    FailedToStart,
}
