using System.Net.Sockets;
using Npgsql;

namespace Deckard.Core.Storage;

/// <summary>
/// A PostgreSQL restart leaves every pooled connection dead, and Npgsql finds that out one command at a time (each
/// failing with 57P01 or a closed socket). On the first such failure the pool is emptied, so the next command opens a
/// fresh connection instead of failing on the next dead one.
/// </summary>
public static class BrokenConnections
{
    public static bool IsServerGone(Exception exception) => exception switch
    {
        // admin_shutdown, crash_shutdown, cannot_connect_now: the server went away under the connection.
        PostgresException { SqlState: "57P01" or "57P02" or "57P03" } => true,
        NpgsqlException { InnerException: IOException or SocketException or EndOfStreamException } => true,
        _ => false,
    };

    /// <returns>Whether the pool was emptied.</returns>
    public static bool ClearPoolIfServerWentAway(NpgsqlDataSource dataSource, Exception exception)
    {
        if (!IsServerGone(exception))
        {
            return false;
        }

        dataSource.Clear();
        return true;
    }
}
