using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace Microsoft.Extensions.Hosting;

/// <summary>Logs, metrics and traces, exported over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.</summary>
public static class OpenTelemetryExtensions
{
    /// <summary>Every Deckard ActivitySource and Meter starts with this prefix, so one wildcard subscribes them all.</summary>
    public const string DeckardTelemetryPrefix = "Deckard.";

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
                .AddMeter("Npgsql")
                .AddMeter(DeckardTelemetryPrefix + "*"))
            .WithTracing(tracing =>
            {
                if (builder.Environment.IsDevelopment())
                {
                    tracing.SetSampler(new AlwaysOnSampler());
                }

                tracing
                    .AddSource(builder.Environment.ApplicationName)
                    .AddSource(DeckardTelemetryPrefix + "*")
                    .AddAspNetCoreInstrumentation(aspNetCore =>
                        // Health probes run every second under the AppHost; tracing them drowns real work.
                        aspNetCore.Filter = context => !IsHealthProbe(context.Request.Path))
                    .AddHttpClientInstrumentation()
                    .AddNpgsql();
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
