using System.Globalization;
using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Health;
using Deckard.Hosting.Processes;

namespace Deckard.Hosting.Orchestration.Launchers;

/// <summary>A local redis-server on loopback with the generated password and append-only persistence in the state folder.</summary>
internal sealed class RedisLauncher(RedisResource redis, string? redisServer) : IResourceLauncher
{
    public const string InstallHint =
        "Install it with: sudo apt-get install -y redis-server (or run ./scripts/install-prerequisites.sh), " +
        "or give an existing server as ConnectionStrings:redis.";

    public Task<ProcessSpec?> PrepareAsync(ReplicaContext replica, CancellationToken cancellationToken)
    {
        if (redis.ExternalConnectionString is not null)
        {
            return Task.FromResult<ProcessSpec?>(null);
        }

        var server = redisServer ?? throw new DeckardHostingException($"redis-server not found. {InstallHint}");
        var dataDirectory = Path.Combine(replica.Hosting.Options.StateDirectory, redis.Name);
        Directory.CreateDirectory(dataDirectory);
        var spec = new ProcessSpec(
            server,
            [
                "--port", redis.Endpoint.Port!.Value.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--requirepass", redis.Password,
                "--dir", dataDirectory,
                "--appendonly", "yes",
                "--appendfsync", "everysec",
                "--save", "",
                "--daemonize", "no",
                "--protected-mode", "no",
                "--logfile", "",
            ],
            dataDirectory,
            replica.Hosting.InheritedEnvironment);
        return Task.FromResult<ProcessSpec?>(spec);
    }

    public IHealthProbe CreateHealthProbe(ReplicaContext replica)
    {
        if (redis.ExternalConnectionString is { } external)
        {
            var (host, port, password) = ParseConnectionString(external);
            return new RedisHealthProbe(host, port, password);
        }

        return new RedisHealthProbe("127.0.0.1", redis.Endpoint.Port!.Value, redis.Password);
    }

    public string Describe(ReplicaContext replica) =>
        redis.ExternalConnectionString is not null ? "(configured connection string)" : $"127.0.0.1:{redis.Endpoint.Port}";

    /// <summary>The first endpoint and the password of a StackExchange.Redis connection string.</summary>
    internal static (string Host, int Port, string? Password) ParseConnectionString(string connectionString)
    {
        string? endpoint = null;
        string? password = null;
        foreach (var part in connectionString.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            var separator = part.IndexOf('=', StringComparison.Ordinal);
            if (separator < 0)
            {
                endpoint ??= part;
            }
            else if (part[..separator].Trim().Equals("password", StringComparison.OrdinalIgnoreCase))
            {
                password = part[(separator + 1)..];
            }
        }

        if (endpoint is null)
        {
            throw new DeckardHostingException($"The Redis connection string names no host:port.");
        }

        var colon = endpoint.LastIndexOf(':');
        return colon > 0 && int.TryParse(endpoint[(colon + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var port)
            ? (endpoint[..colon], port, password)
            : (endpoint, 6379, password);
    }
}
