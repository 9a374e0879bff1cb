using Npgsql;

namespace Deckard.Core.Queue;

/// <summary>Adds a job to the outbox inside the caller's transaction: it reaches Redis only if the transaction commits.</summary>
public static class OutboxWriter
{
    private const string EnqueueSql = """
        INSERT INTO outbox (session_id, step, instance, trace_parent, available_at, created_at)
        VALUES (@session, @step, @instance, @trace, @available, @now)
        RETURNING id AS outbox_id
        """;

    /// <summary>The insert as a batch command; it returns the new row's id (read it with <see cref="ExecuteAsync"/>).</summary>
    public static NpgsqlBatchCommand Command(
        Guid sessionId, string step, string? traceParent, DateTimeOffset availableAt, DateTimeOffset now, string instance = "")
    {
        var command = new NpgsqlBatchCommand(EnqueueSql);
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("step", step);
        command.Parameters.AddWithValue("instance", instance);
        command.Parameters.AddWithValue("trace", (object?)traceParent ?? DBNull.Value);
        command.Parameters.AddWithValue("available", availableAt);
        command.Parameters.AddWithValue("now", now);
        return command;
    }

    /// <summary>Runs a batch holding one <see cref="Command"/> and returns that outbox row's id.</summary>
    public static async Task<long> ExecuteAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        long? outboxId = null;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (reader.FieldCount > 0 && reader.GetName(0) == "outbox_id" && await reader.ReadAsync(cancellationToken))
            {
                outboxId = reader.GetInt64(0);
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return outboxId ?? throw new InvalidOperationException("The batch added no outbox row.");
    }
}
