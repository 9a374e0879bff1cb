using System.Net.Sockets;
using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.UnitTests.Storage;

public sealed class BrokenConnectionsTests
{
    [Fact]
    public void A_server_that_shut_down_or_a_closed_socket_empties_the_pool_and_a_query_error_does_not()
    {
        Assert.True(BrokenConnections.IsServerGone(new PostgresException("terminating connection due to administrator command", "FATAL", "FATAL", "57P01")));
        Assert.False(BrokenConnections.IsServerGone(new PostgresException("duplicate key", "ERROR", "ERROR", "23505")));
        Assert.True(BrokenConnections.IsServerGone(new NpgsqlException("read failed", new IOException("closed"))));
        Assert.True(BrokenConnections.IsServerGone(new NpgsqlException("connect failed", new SocketException((int)SocketError.ConnectionRefused))));
        Assert.False(BrokenConnections.IsServerGone(new NpgsqlException("a timeout", new TimeoutException())));
        Assert.False(BrokenConnections.IsServerGone(new InvalidOperationException()));
    }
}
