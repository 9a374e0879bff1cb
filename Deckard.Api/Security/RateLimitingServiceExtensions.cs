using System.Globalization;
using System.Threading.RateLimiting;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Security;

public static class RateLimitingServiceExtensions
{
    /// <summary>The stricter limit on starting sessions (each one spends money).</summary>
    public const string SessionCreationPolicy = "session-creation";

    /// <summary>
    /// Per-principal request rates (ASP.NET Core rate limiting, partitioned by the authenticated principal, or by
    /// address before authentication), answered 429 with <c>Retry-After</c> and a problem+json body.
    /// </summary>
    public static IHostApplicationBuilder AddDeckardRateLimiting(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<QuotaOptions>()
            .Bind(builder.Configuration.GetSection(QuotaOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<QuotaGate>();
        builder.Services.AddRateLimiter(limiter =>
        {
            limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, string>(context =>
            {
                // The AppHost's and the platform's health probes are never throttled.
                if (context.Request.Path.StartsWithSegments("/health") || context.Request.Path.StartsWithSegments("/alive"))
                {
                    return RateLimitPartition.GetNoLimiter("probes");
                }

                var quotas = context.RequestServices.GetRequiredService<IOptionsMonitor<QuotaOptions>>().CurrentValue;
                return context.User.Identity is { IsAuthenticated: true, Name: { } principal }
                    ? PerMinute("principal:" + principal, quotas.For(principal).RequestsPerMinute)
                    : PerMinute("address:" + context.Connection.RemoteIpAddress, quotas.AnonymousRequestsPerMinute);
            });
            limiter.AddPolicy(SessionCreationPolicy, context =>
            {
                var quotas = context.RequestServices.GetRequiredService<IOptionsMonitor<QuotaOptions>>().CurrentValue;
                var principal = context.User.Identity?.Name ?? "address:" + context.Connection.RemoteIpAddress;
                return PerMinute("sessions:" + principal, quotas.For(principal).SessionsPerMinute);
            });
            limiter.OnRejected = (rejected, _) =>
            {
                var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait) ? wait : TimeSpan.FromSeconds(1);
                return new ValueTask(WriteTooManyAsync(rejected.HttpContext, retryAfter));
            };
        });
        return builder;
    }

    /// <summary>
    /// A bucket that holds a minute's worth of requests and refills evenly: bursts up to the limit, then the rate.
    /// Under 60 a minute, one token every 60/limit seconds.
    /// </summary>
    private static RateLimitPartition<string> PerMinute(string key, int perMinute) =>
        RateLimitPartition.GetTokenBucketLimiter(key, _ => new TokenBucketRateLimiterOptions
        {
            TokenLimit = perMinute,
            TokensPerPeriod = Math.Max(1, perMinute / 60),
            ReplenishmentPeriod = perMinute >= 60 ? TimeSpan.FromSeconds(1) : TimeSpan.FromSeconds(60.0 / perMinute),
            QueueLimit = 0,
            AutoReplenishment = true,
        });

    /// <summary>429 <c>rate-limited</c> with <c>Retry-After</c> (whole seconds, at least one) and a problem+json body.</summary>
    private static Task WriteTooManyAsync(HttpContext context, TimeSpan retryAfter)
    {
        var seconds = ApiProblems.RetryAfterSeconds(retryAfter);
        context.Response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        return ApiProblems.WriteAsync(context, StatusCodes.Status429TooManyRequests, "rate-limited", "Too many requests",
            "This principal is over its request rate; wait for Retry-After seconds, then try again.",
            new Dictionary<string, object?> { ["retryAfterSeconds"] = seconds });
    }
}
