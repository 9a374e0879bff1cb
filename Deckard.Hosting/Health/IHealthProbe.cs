namespace Deckard.Hosting.Health;

/// <summary>Asks one replica whether it is ready (the AppHost side of Aspire's <c>WithHealthCheck</c>).</summary>
public interface IHealthProbe : IAsyncDisposable
{
    Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken);
}
