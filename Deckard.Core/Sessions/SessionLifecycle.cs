using Deckard.Core.Events;
using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.Core.Sessions;

/// <summary>
/// The session status changes that depend on more than one step: going live (a conversation) and completing once
/// nothing is left. Each is one statement for the caller's batch, so it commits with the work that caused it.
/// </summary>
public static class SessionLifecycle
{
    /// <summary>
    /// Completes the session (and appends <c>session.completed</c>) when it is running, not live, and none of its steps
    /// is pending or running. Every writer of a session's events locks its row first, so two runs finishing at once
    /// serialise here and the later one sees the earlier one's step as finished.
    /// </summary>
    private const string CompleteIfDoneSql = $$"""
        WITH finished AS (
            UPDATE sessions SET status = 'completed', error = NULL, finished_at = @now, updated_at = @now, live_at = NULL,
                                last_event_seq = last_event_seq + 1
            WHERE id = @session AND status = 'running'
              AND NOT EXISTS (SELECT 1 FROM steps WHERE steps.session_id = @session AND steps.state IN ('pending', 'running'))
            RETURNING last_event_seq),
        inserted AS (
            INSERT INTO events (session_id, seq, type, data, created_at)
            SELECT @session, finished.last_event_seq, @type, @data::jsonb, @now FROM finished
            RETURNING seq, type, data, created_at)
        SELECT inserted.seq AS completed_seq, pg_notify(@channel, {{EventNotification.PayloadSql}}) FROM inserted
        """;

    public static NpgsqlBatchCommand CompleteIfDoneCommand(Guid sessionId, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand(CompleteIfDoneSql);
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("now", now);
        command.Parameters.AddWithValue("type", EventTypes.SessionCompleted);
        command.Parameters.AddWithValue("data", DeckardJson.Serialize(new SessionCompletedData(sessionId)));
        command.Parameters.AddWithValue("channel", EventWriter.NotificationChannel);
        command.Parameters.AddWithValue("payload", sessionId.ToString("N"));
        return command;
    }

    /// <summary>A routed conversation goes live: its browser may now open the realtime socket.</summary>
    public static NpgsqlBatchCommand GoLiveCommand(Guid sessionId, DateTimeOffset now)
    {
        var command = new NpgsqlBatchCommand("UPDATE sessions SET status = 'conversing', live_at = @now WHERE id = @session AND status = 'running'");
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("now", now);
        return command;
    }

    /// <summary>Runs a batch holding one <see cref="CompleteIfDoneCommand"/>; true when the session completed.</summary>
    public static async Task<bool> ExecuteAsync(NpgsqlBatch batch, CancellationToken cancellationToken)
    {
        var completed = false;
        await using var reader = await batch.ExecuteReaderAsync(cancellationToken);
        do
        {
            if (reader.FieldCount > 0 && reader.GetName(0) == "completed_seq" && await reader.ReadAsync(cancellationToken))
            {
                completed = true;
            }
        }
        while (await reader.NextResultAsync(cancellationToken));

        return completed;
    }
}
