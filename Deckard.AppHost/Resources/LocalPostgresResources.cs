namespace Deckard.AppHost.Resources;

/// <summary>
/// The OS's PostgreSQL server, run by the AppHost as an executable when no container runtime is there. It gives the
/// same connection string as Aspire's container (<c>Host=..;Port=..;Username=postgres;Password=..</c>), so a service
/// cannot tell the two apart.
/// </summary>
public sealed class LocalPostgresServerResource(string name, string workingDirectory, ParameterResource password, LocalPostgresCluster cluster)
    : ExecutableResource(name, "/bin/sh", workingDirectory), IResourceWithConnectionString
{
    public const string UserName = "postgres";
    public const string EndpointName = "tcp";

    public ParameterResource PasswordParameter { get; } = password;

    public LocalPostgresCluster Cluster { get; } = cluster;

    public EndpointReference PrimaryEndpoint => field ??= new(this, EndpointName);

    /// <summary>The databases on this server, created once it is healthy.</summary>
    public List<LocalPostgresDatabaseResource> Databases { get; } = [];

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}

/// <summary>A database on <see cref="LocalPostgresServerResource"/>: the server's connection string plus <c>Database=</c>.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    /// <summary>
    /// Set once the database exists. It lives in the data folder, so a restart of the server does not clear it; until
    /// then the database reports <c>Starting</c>, so its health check does not knock on a database that is not there.
    /// </summary>
    public bool Created { get => Volatile.Read(ref field); set => Volatile.Write(ref field, value); }

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
