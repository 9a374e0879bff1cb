using Npgsql;

namespace Deckard.Core.Costs;

/// <summary>What a principal has running and has spent today (UTC), read in one round trip for the quota checks.</summary>
public sealed class PrincipalUsageReader(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    /// <param name="connectedSince">A conversation counts as live when its socket's heartbeat is this recent.</param>
    /// <param name="except">A session left out of the live count (the one asking to connect).</param>
    public async Task<PrincipalUsage> ReadAsync(string owner, CancellationToken cancellationToken, DateTimeOffset? connectedSince = null, Guid? except = null)
    {
        var dayStart = new DateTimeOffset(timeProvider.GetUtcNow().UtcDateTime.Date, TimeSpan.Zero);
        await using var command = dataSource.CreateCommand("""
            SELECT
                (SELECT count(*) FROM sessions WHERE owner = @owner AND status IN ('queued', 'running', 'conversing')),
                (SELECT count(*) FROM sessions
                   WHERE owner = @owner AND status = 'conversing' AND live_at >= @connectedSince AND id <> @except),
                (SELECT coalesce(sum(tokens), 0) FROM spend_ledger WHERE owner = @owner AND day = @day),
                (SELECT coalesce(sum(gpu_seconds), 0) FROM spend_ledger WHERE owner = @owner AND day = @day)
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("connectedSince", connectedSince ?? timeProvider.GetUtcNow());
        command.Parameters.AddWithValue("except", except ?? Guid.Empty);
        command.Parameters.AddWithValue("day", DateOnly.FromDateTime(dayStart.UtcDateTime));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        await reader.ReadAsync(cancellationToken);
        return new PrincipalUsage(
            (int)reader.GetInt64(0), (int)reader.GetInt64(1), Convert.ToInt64(reader.GetValue(2), System.Globalization.CultureInfo.InvariantCulture),
            reader.GetDouble(3), dayStart.AddDays(1));
    }
}

/// <param name="LiveConversations">Conversations with a socket open now (their heartbeat is recent).</param>
/// <param name="DayEndsAt">When today's budget starts over (the next UTC midnight).</param>
public sealed record PrincipalUsage(int ActiveSessions, int LiveConversations, long TokensToday, double GpuSecondsToday, DateTimeOffset DayEndsAt);
