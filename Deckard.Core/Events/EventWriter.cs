using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.Core.Events;

/// <summary>
/// Appends events inside the caller's transaction: the next per-session sequence number comes from the session row
/// (whose update also serialises concurrent writers), and <c>pg_notify</c> tells every listening Api process on commit
/// (the event itself when it is small: <see cref="EventNotification"/>).
/// </summary>
public static class EventWriter
{
    public const string NotificationChannel = "deckard_events";

    // One statement: next sequence number, the row, and the notification (delivered on commit).
    private const string AppendSql = $$"""
        WITH next AS (
            UPDATE sessions SET last_event_seq = last_event_seq + 1, updated_at = @now
            WHERE id = @session
            RETURNING last_event_seq),
        inserted AS (
            INSERT INTO events (session_id, seq, type, data, created_at)
            SELECT @session, next.last_event_seq, @type, @data::jsonb, @now FROM next
            RETURNING seq, type, data, created_at)
        SELECT inserted.seq, pg_notify(@channel, {{EventNotification.PayloadSql}}) FROM inserted
        """;

    public static async Task<long> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, string type, object data,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(AppendSql, connection, transaction);
        AddParameters(command.Parameters, sessionId, type, data, now);
        var seq = (long)(await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Session {sessionId} does not exist."));
        return seq;
    }

    /// <summary>The same append as a batch command, so several writes share one round trip.</summary>
    public static NpgsqlBatchCommand Command(Guid sessionId, string type, object data, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(AppendSql);
        AddParameters(command.Parameters, sessionId, type, data, now);
        return command;
    }

    private static void AddParameters(NpgsqlParameterCollection parameters, Guid sessionId, string type, object data, DateTimeOffset now)
    {
        parameters.AddWithValue("session", sessionId);
        parameters.AddWithValue("type", type);
        parameters.AddWithValue("data", DeckardJson.Serialize(data));
        parameters.AddWithValue("now", now);
        parameters.AddWithValue("channel", NotificationChannel);
        parameters.AddWithValue("payload", sessionId.ToString("N"));
    }
}
