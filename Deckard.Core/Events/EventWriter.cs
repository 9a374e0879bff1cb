using Deckard.Core.Sessions;
using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.Core.Events;

/// <summary>
/// Appends events inside the caller's transaction: the next per-session sequence number comes from the session row
/// (whose update also serialises concurrent writers), and <c>pg_notify</c> tells every listening Api process on commit.
/// </summary>
public static class EventWriter
{
    public const string NotificationChannel = "deckard_events";

    public static async Task<long> AppendAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, string type, object data,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        // One round trip: next sequence number, the row, and the notification (delivered on commit).
        await using var command = new NpgsqlCommand("""
            WITH next AS (
                UPDATE sessions SET last_event_seq = last_event_seq + 1, updated_at = @now
                WHERE id = @session
                RETURNING last_event_seq),
            inserted AS (
                INSERT INTO events (session_id, seq, type, data, created_at)
                SELECT @session, next.last_event_seq, @type, @data::jsonb, @now FROM next
                RETURNING seq)
            SELECT inserted.seq, pg_notify(@channel, @payload) FROM inserted
            """, connection, transaction);
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("data", DeckardJson.Serialize(data));
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("channel", NotificationChannel);
        command.Parameters.AddWithValue("payload", sessionId.ToString("N"));
        var seq = (long)(await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Session {sessionId} does not exist."));
        return seq;
    }
}
