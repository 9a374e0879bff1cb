using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Logs, metrics and traces, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set (the AppHost points it
/// at the dashboard). PostgreSQL and Redis spans and metrics come from Aspire's client integrations.
/// </summary>
public static class OpenTelemetryExtensions
{
    /// <summary>Every Deckard ActivitySource starts with this prefix, so one wildcard subscribes them all.</summary>
    public const string DeckardTelemetryPrefix = "Deckard.";

    /// <summary>Deckard's own metrics (queue, steps, sessions, tokens, renders, SSE) come from one meter of this name.</summary>
    public const string DeckardMeterName = "Deckard";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder)
        where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(DeckardMeterName))
            .WithTracing(tracing =>
            {
                if (builder.Environment.IsDevelopment())
                {
                    tracing.SetSampler(new AlwaysOnSampler());
                }

                tracing
                    // Before the exporter: it skips what this marks unrecorded.
                    .AddProcessor(new UntracedRedisCommandFilter())
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource(DeckardTelemetryPrefix + "*")
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                        // Health probes run every second under the AppHost; tracing them drowns real work.
                        aspNetCore.Filter = context => !IsHealthProbe(context.Request.Path))
                    .AddHttpClientInstrumentation();
            });

        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    private static bool IsHealthProbe(PathString path) =>
        path.StartsWithSegments(HealthCheckExtensions.HealthEndpointPath)
        || path.StartsWithSegments(HealthCheckExtensions.AliveEndpointPath);
}
