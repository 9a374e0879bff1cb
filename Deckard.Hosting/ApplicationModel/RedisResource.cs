namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// A redis-server run from the OS packages with a password and append-only persistence in the state folder,
/// or, when <c>ConnectionStrings:{name}</c> is configured, an existing server used as it is.
/// </summary>
public sealed class RedisResource : Resource, IResourceWithConnectionString
{
    public RedisResource(string name, string password, int? fixedPort, string? externalConnectionString)
        : base(name)
    {
        Password = password;
        ExternalConnectionString = externalConnectionString;
        Endpoint = new Endpoint("tcp", "tcp", fixedPort, $"Resources:{name}:Port");
    }

    public override string Type => ExternalConnectionString is null ? "Executable" : "ConnectionString";

    public string Password { get; }

    public Endpoint Endpoint { get; }

    public string? ExternalConnectionString { get; }

    /// <summary>StackExchange.Redis format, as Aspire emits it: <c>host:port,password=...</c>.</summary>
    public string? GetConnectionString()
    {
        if (ExternalConnectionString is not null)
        {
            return ExternalConnectionString;
        }

        return Endpoint.Port is { } port ? $"127.0.0.1:{port},password={Password}" : null;
    }
}
