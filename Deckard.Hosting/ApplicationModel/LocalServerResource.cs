namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// A server the AppHost runs locally from the OS packages, with a generated password and one TCP endpoint, or, when
/// <c>ConnectionStrings:{name}</c> is configured, an existing server used as it is (only probed, never started).
/// </summary>
public abstract class LocalServerResource : Resource, IResourceWithConnectionString
{
    protected LocalServerResource(string name, string password, int? fixedPort, string? externalConnectionString)
        : base(name)
    {
        Password = password;
        ExternalConnectionString = externalConnectionString;
        Endpoint = new Endpoint("tcp", "tcp", fixedPort, $"Resources:{name}:Port");
    }

    public override string Type => ExternalConnectionString is null ? "Executable" : "ConnectionString";

    public string Password { get; }

    public Endpoint Endpoint { get; }

    /// <summary>Set when the server is given by configuration.</summary>
    public string? ExternalConnectionString { get; }

    public bool IsExternal => ExternalConnectionString is not null;

    public string? GetConnectionString() =>
        ExternalConnectionString ?? (Endpoint.Port is { } port ? BuildConnectionString(port) : null);

    protected abstract string BuildConnectionString(int port);
}
