using System.Text.Json;
using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.Core.Search;

/// <summary>
/// Answers by question key, per owner: an identical question within the reuse window is answered from here instead
/// of paying for another web search. Per owner, so nobody learns what another person asked.
/// </summary>
public sealed class AnswerCache(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    public async Task<CachedAnswer?> FindAsync(string owner, string questionKey, TimeSpan window, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT session_id, answer::text, created_at FROM answers
            WHERE owner = @owner AND question_key = @key AND created_at > @since
            ORDER BY created_at DESC LIMIT 1
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("key", questionKey);
        command.Parameters.AddWithValue("since", timeProvider.GetUtcNow() - window);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return null;
        }

        var answer = JsonSerializer.Deserialize<Answer>(reader.GetString(1), DeckardJson.Options)
            ?? throw new InvalidOperationException("A stored answer is not readable.");
        return new CachedAnswer(answer, reader.GetGuid(0), reader.GetFieldValue<DateTimeOffset>(2));
    }

    public async Task StoreAsync(string owner, string questionKey, Guid sessionId, Answer answer, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            INSERT INTO answers (owner, question_key, session_id, model, answer, created_at)
            VALUES (@owner, @key, @session, @model, @answer::jsonb, @now)
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("key", questionKey);
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("model", answer.Model);
        command.Parameters.AddWithValue("answer", DeckardJson.Serialize(answer));
        command.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
        await command.ExecuteNonQueryAsync(cancellationToken);
    }
}

/// <summary>An answer found in the cache, and the session that paid for it.</summary>
public sealed record CachedAnswer(Answer Answer, Guid SessionId, DateTimeOffset AnsweredAt);
