using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Deckard.AppHost.Resources;

/// <summary>
/// Aspire polls an unhealthy resource's checks 1, 2, 3, 4, then every 5 seconds, so a server or service that became
/// ready just after a check waits seconds to be noticed, and every <c>WaitFor</c> down the chain waits again. Each
/// check here instead keeps asking every 100 ms for up to five seconds (the longest of Aspire's gaps) before it
/// reports unhealthy: a resource is seen the moment it answers, and its dependants start at once.
/// </summary>
public static class PromptHealthChecks
{
    private static readonly TimeSpan Interval = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(5);

    /// <summary>Wraps every health check the AppHost registers (the servers', the databases', the services' /health).</summary>
    public static IDistributedApplicationBuilder WithPromptHealthChecks(this IDistributedApplicationBuilder builder)
    {
        builder.Services.PostConfigure<HealthCheckServiceOptions>(options =>
        {
            foreach (var registration in options.Registrations)
            {
                var factory = registration.Factory;
                registration.Factory = services => new PatientCheck(factory(services), Patience);
            }
        });
        return builder;
    }

    /// <summary>Asks <paramref name="inner"/> every 100 ms until it is healthy or <paramref name="patience"/> has passed.</summary>
    public sealed class PatientCheck(IHealthCheck inner, TimeSpan patience) : IHealthCheck
    {
        public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
        {
            var giveUp = DateTime.UtcNow + patience;
            while (true)
            {
                HealthCheckResult result;
                try
                {
                    result = await inner.CheckHealthAsync(context, cancellationToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    result = new HealthCheckResult(context.Registration.FailureStatus, exception: exception);
                }

                if (result.Status == HealthStatus.Healthy || DateTime.UtcNow >= giveUp)
                {
                    return result;
                }

                await Task.Delay(Interval, cancellationToken);
            }
        }
    }
}
