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

    /// <summary>Resource name to database name, created once the server is healthy.</summary>
    public Dictionary<string, string> Databases { get; } = new(StringComparer.Ordinal);

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create(
        $"Host={PrimaryEndpoint.Property(EndpointProperty.Host)};Port={PrimaryEndpoint.Property(EndpointProperty.Port)};Username={UserName};Password={PasswordParameter}");
}

/// <summary>A database on <see cref="LocalPostgresServerResource"/>: the server's connection string plus <c>Database=</c>.</summary>
public sealed class LocalPostgresDatabaseResource(string name, string databaseName, LocalPostgresServerResource parent)
    : Resource(name), IResourceWithParent<LocalPostgresServerResource>, IResourceWithConnectionString
{
    public LocalPostgresServerResource Parent { get; } = parent;

    public string DatabaseName { get; } = databaseName;

    public ReferenceExpression ConnectionStringExpression => ReferenceExpression.Create($"{Parent};Database={DatabaseName}");
}
