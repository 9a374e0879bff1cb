namespace Deckard.Hosting.Orchestration;

/// <summary>An immutable view of one replica (one process) at one moment.</summary>
public sealed record ReplicaSnapshot(
    string Name,
    string InstanceId,
    ResourceState State,
    HealthStatus Health,
    string? HealthDescription,
    int? ProcessId,
    int? ExitCode,
    int Restarts,
    DateTimeOffset? StartedAt,
    Uri? Url)
{
    public bool IsHealthy => State == ResourceState.Running && Health == HealthStatus.Healthy;

    /// <summary>What a person reads: the state, and the health while running ("Running (Healthy)").</summary>
    public string DisplayState => State == ResourceState.Running && Health != HealthStatus.Unknown
        ? $"{State} ({Health})"
        : State.ToString();
}
