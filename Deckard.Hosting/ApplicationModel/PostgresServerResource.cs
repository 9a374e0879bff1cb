namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server run from the OS packages (initdb into the state folder, then postgres on a port),
/// or, when <c>ConnectionStrings:{name}</c> is configured, an existing server used as it is.
/// Its connection string names the database created once the server is healthy.
/// </summary>
public sealed class PostgresServerResource : Resource, IResourceWithConnectionString
{
    public const string UserName = "postgres";

    public PostgresServerResource(string name, string password, int? fixedPort, string? externalConnectionString)
        : base(name)
    {
        Password = password;
        ExternalConnectionString = externalConnectionString;
        Endpoint = new Endpoint("tcp", "tcp", fixedPort, $"Resources:{name}:Port");
    }

    public override string Type => ExternalConnectionString is null ? "Executable" : "ConnectionString";

    public string Password { get; }

    public Endpoint Endpoint { get; }

    /// <summary>Set when the server is given by configuration: nothing is started, only probed.</summary>
    public string? ExternalConnectionString { get; }

    public string DatabaseName { get; internal set; } = "postgres";

    public string? GetConnectionString()
    {
        if (ExternalConnectionString is not null)
        {
            return ExternalConnectionString;
        }

        return Endpoint.Port is { } port
            ? $"Host=127.0.0.1;Port={port};Username={UserName};Password={Password};Database={DatabaseName}"
            : null;
    }

    /// <summary>The same server's maintenance database, used to create <see cref="DatabaseName"/>.</summary>
    internal string? GetMaintenanceConnectionString() =>
        Endpoint.Port is { } port
            ? $"Host=127.0.0.1;Port={port};Username={UserName};Password={Password};Database=postgres"
            : null;
}
