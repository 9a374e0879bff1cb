using Deckard.Core.Sessions;
using Npgsql;

namespace Deckard.Core.Conversations;

/// <summary>Reads a conversation's turns, in order.</summary>
public static class ConversationTurns
{
    public static async Task<IReadOnlyList<TurnView>> ListAsync(NpgsqlConnection connection, Guid sessionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("""
            SELECT number, user_transcript, assistant_transcript, audio_artifact_id, audio_ms, interrupted, complete, created_at
            FROM turns WHERE session_id = @session ORDER BY number
            """, connection);
        command.Parameters.AddWithValue("session", sessionId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var turns = new List<TurnView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            turns.Add(new TurnView(
                reader.GetInt32(0),
                reader.IsDBNull(1) ? null : reader.GetString(1),
                reader.IsDBNull(2) ? null : reader.GetString(2),
                reader.IsDBNull(3) ? null : reader.GetGuid(3),
                reader.GetInt32(4),
                reader.GetBoolean(5),
                reader.GetBoolean(6),
                reader.GetFieldValue<DateTimeOffset>(7)));
        }

        return turns;
    }
}
