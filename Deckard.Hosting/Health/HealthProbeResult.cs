namespace Deckard.Hosting.Health;

public sealed record HealthProbeResult(bool IsHealthy, string? Description)
{
    public static HealthProbeResult Healthy { get; } = new(true, null);

    public static HealthProbeResult Unhealthy(string description) => new(false, description);
}
