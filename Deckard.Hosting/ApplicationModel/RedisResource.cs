namespace Deckard.Hosting.ApplicationModel;

/// <summary>A redis-server with a password and append-only persistence in the state folder.</summary>
public sealed class RedisResource(string name, string password, int? fixedPort, string? externalConnectionString)
    : LocalServerResource(name, password, fixedPort, externalConnectionString)
{
    /// <summary>StackExchange.Redis format, as Aspire emits it: <c>host:port,password=...</c>.</summary>
    protected override string BuildConnectionString(int port) => $"127.0.0.1:{port},password={Password}";
}
