using Microsoft.Extensions.DependencyInjection;

namespace Deckard.AppHost.Resources;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class LocalRedisBuilderExtensions
{
    public const string InstallHint =
        "Install it with: sudo apt-get install -y redis-server (or run ./scripts/install-prerequisites.sh), " +
        "or give an existing server as ConnectionStrings:redis.";

    /// <summary>
    /// The OS's <c>redis-server</c> as an executable resource: loopback, a free port (or <c>Resources:{name}:Port</c>),
    /// a password generated once, and append-only persistence in the state folder. The password and the data folder go
    /// in a configuration file there, so neither shows in the process list.
    /// </summary>
    public static IResourceBuilder<LocalRedisResource> AddLocalRedis(this IDistributedApplicationBuilder builder, string name)
    {
        var state = StateFolder.Resolve(builder);
        var dataDirectory = Path.Combine(state, name);
        var configFile = Path.Combine(dataDirectory, "redis.conf");
        var password = builder.AddParameter($"{name}-password", new StateFolderSecret(Path.Combine(state, "secrets", $"{name}-password")), secret: true);
        var redis = new LocalRedisResource(name, ServerPath(), dataDirectory, password.Resource);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(redis, async (_, cancellationToken) =>
            connectionString = await redis.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddRedis(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not available yet."),
            name: healthCheck);

        return builder.AddResource(redis)
            .WithIconName("Memory")
            .WithEndpoint(name: LocalRedisResource.EndpointName, scheme: "tcp", port: DevelopmentPorts.Configured(builder, name), isProxied: false)
            .WithArgs(context =>
            {
                context.Args.Add(configFile);
                context.Args.Add("--port");
                context.Args.Add(redis.PrimaryEndpoint.Property(EndpointProperty.TargetPort));
            })
            .WithHealthCheck(healthCheck)
            .OnBeforeResourceStarted(async (resource, _, cancellationToken) =>
            {
                if (!File.Exists(resource.Command))
                {
                    throw new DistributedApplicationException($"redis-server not found. {InstallHint}");
                }

                var secret = await resource.PasswordParameter.GetValueAsync(cancellationToken);
                await WriteConfigurationAsync(configFile, dataDirectory, secret!, cancellationToken);
            });
    }

    private static async Task WriteConfigurationAsync(string configFile, string dataDirectory, string password, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(dataDirectory);
        string[] lines =
        [
            // "-::1": IPv6 loopback when the machine has it.
            "bind 127.0.0.1 -::1",
            "protected-mode no",
            $"requirepass {password}",
            $"dir {dataDirectory}",
            "appendonly yes",
            "appendfsync everysec",
            "save \"\"",
            "daemonize no",
            "logfile \"\"",
        ];
        await File.WriteAllLinesAsync(configFile, lines, cancellationToken);
        File.SetUnixFileMode(configFile, UnixFileMode.UserRead | UnixFileMode.UserWrite);
    }

    /// <summary>The first <c>redis-server</c> on the PATH; the bare name (reported missing at start) when there is none.</summary>
    private static string ServerPath() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, "redis-server"))
            .FirstOrDefault(File.Exists)
        ?? "redis-server";
}
