namespace Deckard.Hosting.ApplicationModel;

public static class PostgresResourceBuilderExtensions
{
    /// <summary>
    /// A PostgreSQL server resource. Configuration <c>ConnectionStrings:{name}</c> replaces it with an existing server;
    /// <c>Parameters:{name}-password</c> sets the password (else one is generated once and kept in the state folder);
    /// <c>Resources:{name}:Port</c> sets the port for a person's run.
    /// </summary>
    public static ResourceBuilder<PostgresServerResource> AddPostgres(this DeckardAppBuilder builder, string name)
    {
        var resource = new PostgresServerResource(
            name,
            builder.Parameters.GetOrCreateSecret($"{name}-password"),
            builder.GetFixedPort(name, defaultPort: null),
            builder.GetExternalConnectionString(name));
        return builder.AddResource(resource);
    }

    /// <summary>The database the connection string names, created (once) as soon as the server is healthy.</summary>
    public static ResourceBuilder<PostgresServerResource> WithDatabase(
        this ResourceBuilder<PostgresServerResource> builder, string databaseName)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(databaseName);
        builder.Resource.DatabaseName = databaseName;
        return builder;
    }
}
