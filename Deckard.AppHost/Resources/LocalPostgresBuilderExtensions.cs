using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Deckard.AppHost.Resources;

[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public static class LocalPostgresBuilderExtensions
{
    /// <summary>
    /// The OS's <c>postgres</c> as an executable resource: its cluster in the state folder (initdb on first start, with a
    /// password generated once and kept beside the data), on loopback and a free port (or <c>Resources:{name}:Port</c>),
    /// health-checked as Aspire's container is. Databases added to it are created once it is healthy.
    /// </summary>
    public static IResourceBuilder<LocalPostgresServerResource> AddLocalPostgres(this IDistributedApplicationBuilder builder, string name)
    {
        var state = StateFolder.Resolve(builder);
        var password = builder.AddParameter($"{name}-password", new StateFolderSecret(Path.Combine(state, "secrets", $"{name}-password")), secret: true);
        var runAs = OsAccount.CurrentIsRoot
            ? OsAccount.Find(LocalPostgresServerResource.UserName) ?? throw new DistributedApplicationException(
                "The AppHost runs as root, and PostgreSQL refuses to: it runs as the unprivileged account 'postgres', which does not exist. " +
                "Installing the package creates it: sudo apt-get install -y postgresql")
            : null;
        var cluster = new LocalPostgresCluster(state, name, PostgresBinaries.Locate(builder.Configuration[PostgresBinaries.SettingName]), runAs);
        var server = new LocalPostgresServerResource(name, state, password.Resource, cluster);

        string? connectionString = null;
        builder.Eventing.Subscribe<ConnectionStringAvailableEvent>(server, async (_, cancellationToken) =>
            connectionString = await server.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheck = $"{name}_check";
        builder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not available yet."),
            name: healthCheck,
            // The server's own connection string names no database; Npgsql would otherwise try one named after the user.
            configure: connection => connection.ConnectionString += ";Database=postgres");

        return builder.AddResource(server)
            .WithIconName("DatabaseMultiple")
            .WithEndpoint(name: LocalPostgresServerResource.EndpointName, scheme: "tcp", port: DevelopmentPorts.Configured(builder, name), isProxied: false)
            .WithArgs(context =>
            {
                foreach (var argument in cluster.ServerArguments(server.PrimaryEndpoint.Property(EndpointProperty.TargetPort)))
                {
                    context.Args.Add(argument);
                }
            })
            .WithHealthCheck(healthCheck)
            .OnBeforeResourceStarted(async (resource, @event, cancellationToken) =>
            {
                var log = @event.Services.GetRequiredService<ResourceLoggerService>().GetLogger(resource);
                var secret = await resource.PasswordParameter.GetValueAsync(cancellationToken);
                await resource.Cluster.EnsureInitializedAsync(secret!, log, cancellationToken);
            })
            .OnResourceReady(async (resource, @event, cancellationToken) =>
            {
                var notifications = @event.Services.GetRequiredService<ResourceNotificationService>();
                await using var connection = new NpgsqlConnection(connectionString + ";Database=postgres");
                await connection.OpenAsync(cancellationToken);
                foreach (var database in resource.Databases)
                {
                    await CreateDatabaseAsync(connection, database.DatabaseName, cancellationToken);
                    database.Created = true;
                    await notifications.PublishUpdateAsync(database, snapshot => snapshot with { State = KnownResourceStates.Running });
                }
            });
    }

    /// <summary>A database on the local server, created when the server is first healthy, with its own health check.</summary>
    public static IResourceBuilder<LocalPostgresDatabaseResource> AddDatabase(
        this IResourceBuilder<LocalPostgresServerResource> server, string name, string? databaseName = null)
    {
        var database = new LocalPostgresDatabaseResource(name, databaseName ?? name, server.Resource);
        server.Resource.Databases.Add(database);

        string? connectionString = null;
        server.ApplicationBuilder.Eventing.Subscribe<ConnectionStringAvailableEvent>(database, async (_, cancellationToken) =>
            connectionString = await database.ConnectionStringExpression.GetValueAsync(cancellationToken));
        var healthCheck = $"{name}_check";
        server.ApplicationBuilder.Services.AddHealthChecks().AddNpgSql(
            _ => connectionString ?? throw new InvalidOperationException("The connection string is not available yet."),
            name: healthCheck);

        return server.ApplicationBuilder.AddResource(database)
            .WithIconName("Database")
            .WithInitialState(new CustomResourceSnapshot { ResourceType = "PostgresDatabase", State = KnownResourceStates.NotStarted, Properties = [] })
            .WithHealthCheck(healthCheck)
            .OnInitializeResource((resource, @event, cancellationToken) =>
            {
                // Aspire passes a parent's state to its children only for containers: a database on an executable
                // server follows the server's state here, running once it has been created.
                _ = FollowServerStateAsync(resource, @event.Notifications, cancellationToken);
                return Task.CompletedTask;
            });
    }

    private static async Task FollowServerStateAsync(
        LocalPostgresDatabaseResource database, ResourceNotificationService notifications, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(cancellationToken))
            {
                if (update.Resource == database.Parent && update.Snapshot.State?.Text is { } state)
                {
                    var running = state == KnownResourceStates.Running;
                    await notifications.PublishUpdateAsync(database, snapshot => snapshot with
                    {
                        State = running && !database.Created ? KnownResourceStates.Starting : state,
                        StartTimeStamp = update.Snapshot.StartTimeStamp,
                        StopTimeStamp = update.Snapshot.StopTimeStamp,
                    });
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The AppHost is stopping.
        }
    }

    private static async Task CreateDatabaseAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var quoted = new NpgsqlCommandBuilder().QuoteIdentifier(database);
        await using var command = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Made on an earlier run: the data folder persists.
        }
    }
}
