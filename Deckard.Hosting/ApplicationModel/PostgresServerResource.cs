namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// A PostgreSQL server: initdb into the state folder, then postgres on a port. Its connection string names the
/// database created once the server is healthy.
/// </summary>
public sealed class PostgresServerResource(string name, string password, int? fixedPort, string? externalConnectionString)
    : LocalServerResource(name, password, fixedPort, externalConnectionString)
{
    public const string UserName = "postgres";

    public string DatabaseName { get; internal set; } = "postgres";

    protected override string BuildConnectionString(int port) =>
        $"Host=127.0.0.1;Port={port};Username={UserName};Password={Password};Database={DatabaseName}";

    /// <summary>The same server's maintenance database, used to create <see cref="DatabaseName"/>.</summary>
    internal string? GetMaintenanceConnectionString() =>
        Endpoint.Port is { } port
            ? $"Host=127.0.0.1;Port={port};Username={UserName};Password={Password};Database=postgres"
            : null;
}
