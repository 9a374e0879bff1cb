using Npgsql;

namespace Deckard.Core.Queue;

/// <summary>Adds a job to the outbox inside the caller's transaction: it reaches Redis only if the transaction commits.</summary>
public static class OutboxWriter
{
    public static async Task EnqueueAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, string step, string? traceParent,
        DateTimeOffset availableAt, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            INSERT INTO outbox (session_id, step, trace_parent, available_at, created_at)
            VALUES (@session, @step, @trace, @available, @now)
            """, connection, transaction);
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("trace", (object?)traceParent ?? DBNull.Value);
        command.Parameters.AddWithValue("available", availableAt);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}
