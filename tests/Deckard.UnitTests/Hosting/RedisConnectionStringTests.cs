using Deckard.Hosting.Orchestration.Launchers;

namespace Deckard.UnitTests.Hosting;

public sealed class RedisConnectionStringTests
{
    [Theory]
    [InlineData("localhost:6380,password=abc", "localhost", 6380, "abc")]
    [InlineData("cache.example,ssl=true", "cache.example", 6379, null)]
    [InlineData("10.0.0.5:7000, Password = p=q ,abortConnect=false", "10.0.0.5", 7000, " p=q")]
    public void The_probe_reads_host_port_and_password_from_a_stackexchange_redis_connection_string(
        string connectionString, string host, int port, string? password)
    {
        var parsed = RedisLauncher.ParseConnectionString(connectionString);

        Assert.Equal((host, port, password?.Trim()), (parsed.Host, parsed.Port, parsed.Password?.Trim()));
    }
}
