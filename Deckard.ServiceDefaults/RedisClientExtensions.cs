using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using StackExchange.Redis;

namespace Microsoft.Extensions.Hosting;

/// <summary>What Aspire.StackExchange.Redis's <c>AddRedisClient</c> gives a service, without the Aspire package.</summary>
public static class RedisClientExtensions
{
    /// <summary>
    /// Registers a singleton <see cref="IConnectionMultiplexer"/> from <c>ConnectionStrings:{connectionName}</c>
    /// and a readiness health check. The multiplexer does not abort when Redis is down at start: it reconnects,
    /// so a service can start (and report unhealthy) before Redis is back.
    /// </summary>
    public static IHostApplicationBuilder AddRedisClient(this IHostApplicationBuilder builder, string connectionName)
    {
        var connectionString = builder.Configuration.GetConnectionString(connectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Run the service through Deckard.AppHost, " +
                $"or set the environment variable ConnectionStrings__{connectionName} (e.g. localhost:6379,password=...).");
        }

        var options = ConfigurationOptions.Parse(connectionString);
        options.AbortOnConnectFail = false;

        builder.Services.AddSingleton<IConnectionMultiplexer>(_ => ConnectionMultiplexer.Connect(options));
        builder.Services.AddHealthChecks()
            .AddRedis(serviceProvider => serviceProvider.GetRequiredService<IConnectionMultiplexer>(), name: connectionName);

        return builder;
    }
}
