using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Npgsql;

namespace Microsoft.Extensions.Hosting;

/// <summary>What Aspire.Npgsql's <c>AddNpgsqlDataSource</c> gives a service, without the Aspire package.</summary>
public static class NpgsqlClientExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="NpgsqlDataSource"/> from <c>ConnectionStrings:{connectionName}</c>,
    /// with a readiness health check. Tracing and metrics are wired by <c>ConfigureOpenTelemetry</c>.
    /// </summary>
    public static IHostApplicationBuilder AddNpgsqlDataSource(
        this IHostApplicationBuilder builder,
        string connectionName,
        Action<NpgsqlDataSourceBuilder>? configure = null)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Run the service through Deckard.AppHost, " +
                $"or set the environment variable ConnectionStrings__{connectionName} " +
                "(e.g. Host=localhost;Port=5432;Username=postgres;Password=...;Database=deckard).");
        }

        builder.Services.AddNpgsqlDataSource(connectionString, dataSourceBuilder =>
        {
            dataSourceBuilder.Name = connectionName;
            configure?.Invoke(dataSourceBuilder);
        });

        builder.Services.AddHealthChecks()
            .AddNpgSql(serviceProvider => serviceProvider.GetRequiredService<NpgsqlDataSource>(), name: connectionName);

        return builder;
    }
}
