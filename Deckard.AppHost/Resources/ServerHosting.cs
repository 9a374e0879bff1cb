using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deckard.AppHost.Resources;

/// <summary>How PostgreSQL and Redis run: Aspire's containers, or the OS's servers as local processes.</summary>
public enum ServerHostingMode
{
    /// <summary>Containers when a container runtime answers (and always when publishing), else local processes.</summary>
    Auto,
    Containers,
    LocalProcesses,
}

/// <summary>
/// Adds PostgreSQL and Redis the way this machine can run them. With a container runtime (and for publishing): Aspire's
/// <c>AddPostgres</c> and <c>AddRedis</c>. Without one (no engine, CI, many laptops): the OS's <c>postgres</c> and
/// <c>redis-server</c> as executables that expose the same resource names, connection strings and health checks. A
/// connection string in the AppHost's configuration (<c>ConnectionStrings:{name}</c>) wins over both: that server is
/// used as it is and nothing is started. <c>AppHost:ServerHosting</c> forces a mode.
/// </summary>
public sealed class ServerHosting
{
    public const string SettingName = "AppHost:ServerHosting";

    private readonly IDistributedApplicationBuilder _builder;
    private readonly List<string> _given = [];

    private ServerHosting(IDistributedApplicationBuilder builder, ServerHostingMode mode, string reason)
    {
        _builder = builder;
        Mode = mode;
        Reason = reason;
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Deckard.AppHost");
            if (_given.Count == 2)
            {
                logger.LogInformation("PostgreSQL and Redis are the servers the configuration gives ({Given}); none is started.", string.Join(", ", _given));
                return Task.CompletedTask;
            }

            logger.LogInformation("PostgreSQL and Redis run as {Mode} ({Reason}; set {Setting} to choose).", Describe(Mode), Reason, SettingName);
            if (_given.Count > 0)
            {
                logger.LogInformation("Used as configured, not started: {Given}.", string.Join(", ", _given));
            }

            return Task.CompletedTask;
        });
    }

    /// <summary>Containers or local processes, never Auto.</summary>
    public ServerHostingMode Mode { get; }

    public string Reason { get; }

    public static async Task<ServerHosting> ChooseAsync(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetValue(SettingName, ServerHostingMode.Auto);
        if (builder.ExecutionContext.IsPublishMode)
        {
            return new ServerHosting(builder, ServerHostingMode.Containers, "publishing");
        }

        if (configured != ServerHostingMode.Auto)
        {
            return new ServerHosting(builder, configured, $"{SettingName} is {configured}");
        }

        var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"] ?? builder.Configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"];
        var (found, reason) = await ContainerRuntimeProbe.FindAsync(runtime, CancellationToken.None);
        return new ServerHosting(builder, found is null ? ServerHostingMode.LocalProcesses : ServerHostingMode.Containers, reason);
    }

    /// <summary>The server <paramref name="serverName"/> with the database <paramref name="databaseName"/>; services reference the database.</summary>
    public IResourceBuilder<IResourceWithConnectionString> AddPostgresDatabase(string serverName, string databaseName)
    {
        if (ConfiguredConnection(databaseName) is { } existing)
        {
            return existing;
        }

        if (Mode == ServerHostingMode.Containers)
        {
            return _builder.AddPostgres(serverName, port: DevelopmentPorts.Configured(_builder, serverName))
                .WithDataVolume()
                // Every Api and Workers process keeps a pool; the default 100 is too few for a few replicas under load.
                .WithArgs("-c", "max_connections=300")
                .AddDatabase(databaseName);
        }

        if (OperatingSystem.IsWindows())
        {
            throw NoLocalProcessesOnWindows();
        }

        return _builder.AddLocalPostgres(serverName).WithRestartOnCrash().AddDatabase(databaseName);
    }

    public IResourceBuilder<IResourceWithConnectionString> AddRedis(string name)
    {
        if (ConfiguredConnection(name) is { } existing)
        {
            return existing;
        }

        if (Mode == ServerHostingMode.Containers)
        {
            return _builder.AddRedis(name, port: DevelopmentPorts.Configured(_builder, name))
                .WithDataVolume()
                .WithPersistence();
        }

        if (OperatingSystem.IsWindows())
        {
            throw NoLocalProcessesOnWindows();
        }

        return _builder.AddLocalRedis(name).WithRestartOnCrash();
    }

    private static DistributedApplicationException NoLocalProcessesOnWindows() => new(
        "PostgreSQL and Redis run as local processes only on Linux and macOS; on Windows, start Docker or Podman so they run as containers.");

    private IResourceBuilder<IResourceWithConnectionString>? ConfiguredConnection(string name)
    {
        if (string.IsNullOrWhiteSpace(_builder.Configuration.GetConnectionString(name)))
        {
            return null;
        }

        _given.Add($"ConnectionStrings:{name}");
        return _builder.AddConnectionString(name);
    }

    private static string Describe(ServerHostingMode mode) => mode == ServerHostingMode.Containers
        ? "containers (Aspire.Hosting.PostgreSQL and Aspire.Hosting.Redis)"
        : "local processes (the OS's postgres and redis-server)";
}

public static class ServerHostingExtensions
{
    /// <summary>Decides how PostgreSQL and Redis run on this machine; see <see cref="ServerHosting"/>.</summary>
    public static Task<ServerHosting> ChooseServerHostingAsync(this IDistributedApplicationBuilder builder) => ServerHosting.ChooseAsync(builder);
}
