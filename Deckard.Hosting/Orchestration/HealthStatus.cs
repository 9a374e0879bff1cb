namespace Deckard.Hosting.Orchestration;

/// <summary>Computed only while a replica is <see cref="ResourceState.Running"/>.</summary>
public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}
