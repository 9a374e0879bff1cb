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
        await using var command = new NpgsqlCommand("""
            WITH next AS (
                UPDATE sessions SET last_event_seq = last_event_seq + 1, updated_at = @now
                WHERE id = @session
                RETURNING last_event_seq)
            INSERT INTO events (session_id, seq, type, data, created_at)
            SELECT @session, next.last_event_seq, @type, @data::jsonb, @now FROM next
            RETURNING seq
            """, connection, transaction);
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("type", type);
        command.Parameters.AddWithValue("data", DeckardJson.Serialize(data));
        command.Parameters.AddWithValue("now", now);
        var seq = (long)(await command.ExecuteScalarAsync(cancellationToken)
            ?? throw new InvalidOperationException($"Session {sessionId} does not exist."));

        await using var notify = new NpgsqlCommand("SELECT pg_notify(@channel, @payload)", connection, transaction);
        notify.Parameters.AddWithValue("channel", NotificationChannel);
        notify.Parameters.AddWithValue("payload", sessionId.ToString("N"));
        await notify.ExecuteNonQueryAsync(cancellationToken);
        return seq;
    }
}
