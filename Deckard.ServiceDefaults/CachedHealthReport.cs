using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The readiness report, checked at most once per <c>Health:CacheDuration</c> (2 s): <c>/health</c> is public and every
/// hit would otherwise query PostgreSQL and Redis. Concurrent callers of a stale report wait for one check, not one each.
/// </summary>
public sealed class CachedHealthReport(HealthCheckService health, TimeProvider timeProvider, IConfiguration configuration)
{
    public static readonly TimeSpan DefaultMaxAge = TimeSpan.FromSeconds(2);

    private readonly TimeSpan _maxAge = configuration.GetValue("Health:CacheDuration", DefaultMaxAge);

    private readonly SemaphoreSlim _checking = new(1, 1);
    private (HealthReport Report, DateTimeOffset CheckedAt)? _latest;

    public async Task<(HealthReport Report, DateTimeOffset CheckedAt)> GetAsync(CancellationToken cancellationToken)
    {
        if (Fresh() is { } fresh)
        {
            return fresh;
        }

        await _checking.WaitAsync(cancellationToken);
        try
        {
            if (Fresh() is { } checkedMeanwhile)
            {
                return checkedMeanwhile;
            }

            var report = await health.CheckHealthAsync(cancellationToken);
            var latest = (report, timeProvider.GetUtcNow());
            _latest = latest;
            return latest;
        }
        finally
        {
            _checking.Release();
        }
    }

    private (HealthReport, DateTimeOffset)? Fresh() =>
        _latest is { } latest && timeProvider.GetUtcNow() - latest.CheckedAt < _maxAge ? latest : null;
}
