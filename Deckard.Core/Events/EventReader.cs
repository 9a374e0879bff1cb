using System.Text.Json;
using Deckard.Core.Sessions;
using Npgsql;

namespace Deckard.Core.Events;

public sealed class EventReader(NpgsqlDataSource dataSource)
{
    /// <summary>The session's events after <paramref name="afterSeq"/>, in order.</summary>
    public async Task<IReadOnlyList<SessionEvent>> ReadAfterAsync(Guid sessionId, long afterSeq, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT seq, type, data::text, created_at FROM events WHERE session_id = @session AND seq > @after ORDER BY seq");
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("after", afterSeq);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var events = new List<SessionEvent>();
        while (await reader.ReadAsync(cancellationToken))
        {
            using var data = JsonDocument.Parse(reader.GetString(2));
            events.Add(new SessionEvent(reader.GetInt64(0), reader.GetString(1), data.RootElement.Clone(), reader.GetFieldValue<DateTimeOffset>(3)));
        }

        return events;
    }
}
