using Deckard.Core.Artifacts;
using Npgsql;

namespace Deckard.Core.Sessions;

/// <summary>
/// Removes finished sessions with everything they own (steps, events, artifacts and so their media, turns, cached
/// answers: the foreign keys cascade). What a session spent stays in the spend ledger (added when it was spent), so
/// deleting a session never gives a principal back today's budget. Media in object storage is removed once the rows
/// are gone.
/// </summary>
public sealed class SessionDeletion(NpgsqlDataSource dataSource, ArtifactStore artifacts, TimeProvider timeProvider)
{
    // One statement: pick the sessions and delete them. SKIP LOCKED lets two Api instances sweep at once without
    // waiting on each other.
    private const string DeleteStatement = """
        WITH doomed AS (
            SELECT id, owner, created_at FROM sessions
            WHERE {0} AND status IN ('completed', 'failed', 'cancelled')
            ORDER BY finished_at LIMIT @limit
            FOR UPDATE SKIP LOCKED
        )
        DELETE FROM sessions WHERE id IN (SELECT id FROM doomed)
        RETURNING (SELECT array_agg(a.storage_key) FROM artifacts a WHERE a.session_id = sessions.id AND a.storage_key IS NOT NULL)
        """;

    /// <summary>A person's own finished session; a live or running one must be cancelled first.</summary>
    public async Task<DeleteOutcome> DeleteAsync(Guid id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using (var delete = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, DeleteStatement, "id = @id AND owner = @owner"), connection))
        {
            delete.Parameters.AddWithValue("id", id);
            delete.Parameters.AddWithValue("owner", owner);
            AddCommon(delete, limit: 1);
            if (await ExecuteAsync(delete, cancellationToken) == 1)
            {
                return DeleteOutcome.Deleted;
            }
        }

        await using var lookup = new NpgsqlCommand("SELECT status FROM sessions WHERE id = @id AND owner = @owner", connection);
        lookup.Parameters.AddWithValue("id", id);
        lookup.Parameters.AddWithValue("owner", owner);
        return await lookup.ExecuteScalarAsync(cancellationToken) is string status && !SessionStatus.IsTerminal(status)
            ? DeleteOutcome.StillActive
            : DeleteOutcome.NotFound;
    }

    /// <summary>Deletes up to <paramref name="limit"/> sessions that finished before <paramref name="cutoff"/>.</summary>
    /// <returns>How many were deleted; the caller repeats while it gets a full batch.</returns>
    public async Task<int> DeleteFinishedBeforeAsync(DateTimeOffset cutoff, int limit, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var delete = new NpgsqlCommand(string.Format(System.Globalization.CultureInfo.InvariantCulture, DeleteStatement, "finished_at < @cutoff"), connection);
        delete.Parameters.AddWithValue("cutoff", cutoff);
        AddCommon(delete, limit);
        var deleted = await ExecuteAsync(delete, cancellationToken);

        // Ledger days before yesterday no longer count against any budget.
        await using var prune = new NpgsqlCommand("DELETE FROM spend_ledger WHERE day < @since", connection);
        prune.Parameters.AddWithValue("since", DateOnly.FromDateTime(LedgerSince().UtcDateTime));
        await prune.ExecuteNonQueryAsync(cancellationToken);
        return deleted;
    }

    /// <summary>Runs the delete (its own transaction) and then removes the deleted sessions' objects; returns how many sessions went.</summary>
    private async Task<int> ExecuteAsync(NpgsqlCommand delete, CancellationToken cancellationToken)
    {
        var deleted = 0;
        var keys = new List<string>();
        await using (var reader = await delete.ExecuteReaderAsync(cancellationToken))
        {
            while (await reader.ReadAsync(cancellationToken))
            {
                deleted++;
                if (!reader.IsDBNull(0))
                {
                    keys.AddRange(reader.GetFieldValue<string[]>(0));
                }
            }
        }

        await artifacts.DeleteObjectsAsync(keys, cancellationToken);
        return deleted;
    }

    private void AddCommon(NpgsqlCommand command, int limit)
    {
        command.Parameters.AddWithValue("limit", limit);
    }

    /// <summary>The start of yesterday (UTC): budgets are per UTC day, and a day's spend matters until the next one ends.</summary>
    private DateTimeOffset LedgerSince()
    {
        var now = timeProvider.GetUtcNow();
        return new DateTimeOffset(now.UtcDateTime.Date, TimeSpan.Zero).AddDays(-1);
    }
}

public enum DeleteOutcome
{
    Deleted,
    NotFound,
    StillActive,
}
