using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

public static class HealthCheckExtensions
{
    public const string HealthEndpointPath = "/health";
    public const string AliveEndpointPath = "/alive";
    public const string LiveTag = "live";

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<CachedHealthReport>();
        return builder;
    }

    /// <summary>
    /// Mapped in every environment (not only Development as the Aspire template does): hosts such as Render probe
    /// <c>/health</c> in production. Anyone gets the status (200, or 503 when unhealthy) from a report at most
    /// <c>Health:CacheDuration</c> old. Each check is shown to an authenticated caller, or by a service that has no
    /// authentication (workers and the stand-ins, which are not exposed publicly); why one failed only in Development.
    /// </summary>
    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        var showFailures = app.Environment.IsDevelopment();
        app.MapGet(HealthEndpointPath, async (HttpContext context, CachedHealthReport cached) =>
        {
            var (report, checkedAt) = await cached.GetAsync(context.RequestAborted);
            context.Response.StatusCode = report.Status == HealthStatus.Unhealthy ? StatusCodes.Status503ServiceUnavailable : StatusCodes.Status200OK;
            context.Response.Headers.CacheControl = "no-store";
            var showChecks = context.User.Identity?.IsAuthenticated == true
                || context.RequestServices.GetService<Microsoft.AspNetCore.Authentication.IAuthenticationSchemeProvider>() is null;
            await WriteReportAsync(context, report, checkedAt, showChecks, showFailures);
        }).AllowAnonymous().ExcludeFromDescription();
        app.MapHealthChecks(AliveEndpointPath, new HealthCheckOptions
        {
            Predicate = check => check.Tags.Contains(LiveTag),
            ResponseWriter = (context, report) => WriteReportAsync(context, report, checkedAt: null, showChecks: false, showFailures: false),
        }).AllowAnonymous();
        return app;
    }

    private static Task WriteReportAsync(HttpContext context, HealthReport report, DateTimeOffset? checkedAt, bool showChecks, bool showFailures)
    {
        context.Response.ContentType = "application/json";
        var body = new
        {
            status = report.Status.ToString(),
            checkedAt,
            durationMs = showChecks ? report.TotalDuration.TotalMilliseconds : (double?)null,
            checks = showChecks
                ? report.Entries.ToDictionary(
                    entry => entry.Key,
                    entry => new
                    {
                        status = entry.Value.Status.ToString(),
                        description = showFailures ? entry.Value.Description ?? entry.Value.Exception?.Message : null,
                    })
                : null,
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, JsonOptions), context.RequestAborted);
    }

    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull,
    };
}
