using System.Text.Json;
using Deckard.Core.Events;
using Deckard.Core.Queue;
using Deckard.Core.Sessions;
using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.Core.Steps;

/// <summary>
/// The step lifecycle in PostgreSQL. Every change is one transaction, guarded on the attempt that claimed the step,
/// so a run that was overtaken (reclaimed by another worker, or its session cancelled) changes nothing.
/// </summary>
public sealed class StepStore(NpgsqlDataSource dataSource, OutboxSignal outbox, TimeProvider timeProvider)
{
    public async Task<StepClaim> ClaimAsync(Guid sessionId, string stepName, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var claim = new NpgsqlCommand("""
            WITH previous AS (
                SELECT steps.state FROM steps JOIN sessions ON sessions.id = steps.session_id
                WHERE steps.session_id = @session AND steps.name = @step
                  AND steps.state IN ('pending', 'running') AND sessions.status IN ('queued', 'running')
                FOR UPDATE OF steps, sessions)
            UPDATE steps SET state = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, @now)
            FROM previous
            WHERE steps.session_id = @session AND steps.name = @step
            RETURNING steps.attempts, previous.state, steps.input::text
            """, connection, transaction);
        claim.Parameters.AddWithValue("session", sessionId);
        claim.Parameters.AddWithValue("step", stepName);
        claim.Parameters.AddWithValue("now", now);
        int attempt;
        string previousState;
        string? input;
        await using (var reader = await claim.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return new StepClaim.NothingToDo("the step is finished, or its session has ended");
            }

            attempt = reader.GetInt32(0);
            previousState = reader.GetString(1);
            input = reader.IsDBNull(2) ? null : reader.GetString(2);
        }

        // A reclaimed run (a worker died mid-step) continues silently; a first run or a scheduled retry is announced.
        if (previousState == "pending")
        {
            await using var running = new NpgsqlCommand(
                "UPDATE sessions SET status = 'running' WHERE id = @session AND status = 'queued'", connection, transaction);
            running.Parameters.AddWithValue("session", sessionId);
            await running.ExecuteNonQueryAsync(cancellationToken);
            await EventWriter.AppendAsync(connection, transaction, sessionId, EventTypes.StepStarted,
                new { step = stepName, attempt }, now, cancellationToken);
        }

        await using var load = new NpgsqlCommand(
            "SELECT prompt, transcript, options::text FROM sessions WHERE id = @session", connection, transaction);
        load.Parameters.AddWithValue("session", sessionId);
        string? prompt, transcript;
        SessionOptions options;
        await using (var reader = await load.ExecuteReaderAsync(cancellationToken))
        {
            await reader.ReadAsync(cancellationToken);
            prompt = reader.IsDBNull(0) ? null : reader.GetString(0);
            transcript = reader.IsDBNull(1) ? null : reader.GetString(1);
            options = JsonSerializer.Deserialize<SessionOptions>(reader.GetString(2), DeckardJson.Options) ?? new SessionOptions();
        }

        await transaction.CommitAsync(cancellationToken);
        JsonElement? inputElement = input is null ? null : ParseJson(input);
        return new StepClaim.Claimed(new StepContext(
            sessionId, stepName, attempt, prompt, transcript, options, inputElement,
            (role, token) => ReadArtifactAsync(sessionId, role, token)));
    }

    /// <summary>Stores a successful run; false when the run was overtaken and nothing was stored.</summary>
    public async Task<bool> CompleteAsync(StepContext context, StepResult result, string? traceParent, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var complete = new NpgsqlCommand("""
            UPDATE steps SET state = 'completed', output = @output::jsonb, error = NULL, finished_at = @now,
                   model = @model, input_tokens = @input, output_tokens = @outputTokens, total_tokens = @total
            WHERE session_id = @session AND name = @step AND state = 'running' AND attempts = @attempt
              AND EXISTS (SELECT 1 FROM sessions WHERE id = @session AND status = 'running')
            """, connection, transaction))
        {
            complete.Parameters.AddWithValue("session", context.SessionId);
            complete.Parameters.AddWithValue("step", context.StepName);
            complete.Parameters.AddWithValue("attempt", context.Attempt);
            complete.Parameters.AddWithValue("output", result.Output is null ? (object)DBNull.Value : DeckardJson.Serialize(result.Output));
            complete.Parameters.AddWithValue("now", now);
            complete.Parameters.AddWithValue("model", (object?)result.Usage?.Model ?? DBNull.Value);
            complete.Parameters.AddWithValue("input", (object?)result.Usage?.InputTokens ?? DBNull.Value);
            complete.Parameters.AddWithValue("outputTokens", (object?)result.Usage?.OutputTokens ?? DBNull.Value);
            complete.Parameters.AddWithValue("total", (object?)result.Usage?.TotalTokens ?? DBNull.Value);
            if (await complete.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await UpdateSessionAsync(connection, transaction, context.SessionId, result, cancellationToken);
        foreach (var artifact in result.Artifacts)
        {
            await InsertArtifactAsync(connection, transaction, context.SessionId, artifact, now, cancellationToken);
        }

        foreach (var (type, data) in result.Events)
        {
            await EventWriter.AppendAsync(connection, transaction, context.SessionId, type, data, now, cancellationToken);
        }

        await EventWriter.AppendAsync(connection, transaction, context.SessionId, EventTypes.StepCompleted,
            new { step = context.StepName, attempt = context.Attempt, usage = result.Usage }, now, cancellationToken);

        var enqueued = false;
        if (result.Next is { } next)
        {
            await using var insert = new NpgsqlCommand("""
                INSERT INTO steps (session_id, name, state, input, created_at) VALUES (@session, @step, 'pending', @input::jsonb, @now)
                ON CONFLICT (session_id, name) DO NOTHING
                """, connection, transaction);
            insert.Parameters.AddWithValue("session", context.SessionId);
            insert.Parameters.AddWithValue("step", next.Step);
            insert.Parameters.AddWithValue("input", next.Input is null ? (object)DBNull.Value : DeckardJson.Serialize(next.Input));
            insert.Parameters.AddWithValue("now", now);
            await insert.ExecuteNonQueryAsync(cancellationToken);
            await OutboxWriter.EnqueueAsync(connection, transaction, context.SessionId, next.Step, traceParent, now, now, cancellationToken);
            enqueued = true;
        }
        else
        {
            await FinishSessionAsync(connection, transaction, context.SessionId, SessionStatus.Completed, null, now, cancellationToken);
            await EventWriter.AppendAsync(connection, transaction, context.SessionId, EventTypes.SessionCompleted,
                new { sessionId = context.SessionId }, now, cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        if (enqueued)
        {
            outbox.Notify();
        }

        return true;
    }

    /// <summary>Puts the step back to pending and schedules it <paramref name="delay"/> from now.</summary>
    public async Task<bool> ScheduleRetryAsync(
        StepContext context, string reason, TimeSpan delay, string? traceParent, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var retry = new NpgsqlCommand("""
            UPDATE steps SET state = 'pending', error = @reason
            WHERE session_id = @session AND name = @step AND state = 'running' AND attempts = @attempt
            """, connection, transaction))
        {
            retry.Parameters.AddWithValue("session", context.SessionId);
            retry.Parameters.AddWithValue("step", context.StepName);
            retry.Parameters.AddWithValue("attempt", context.Attempt);
            retry.Parameters.AddWithValue("reason", reason);
            if (await retry.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await EventWriter.AppendAsync(connection, transaction, context.SessionId, EventTypes.StepRetrying,
            new { step = context.StepName, attempt = context.Attempt, retryInMs = (long)delay.TotalMilliseconds, reason }, now, cancellationToken);
        await OutboxWriter.EnqueueAsync(connection, transaction, context.SessionId, context.StepName, traceParent, now + delay, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        outbox.Notify();
        return true;
    }

    /// <summary>Fails the step and its session with a reason a person can read.</summary>
    public async Task<bool> FailAsync(StepContext context, string reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var fail = new NpgsqlCommand("""
            UPDATE steps SET state = 'failed', error = @reason, finished_at = @now
            WHERE session_id = @session AND name = @step AND state = 'running' AND attempts = @attempt
            """, connection, transaction))
        {
            fail.Parameters.AddWithValue("session", context.SessionId);
            fail.Parameters.AddWithValue("step", context.StepName);
            fail.Parameters.AddWithValue("attempt", context.Attempt);
            fail.Parameters.AddWithValue("reason", reason);
            fail.Parameters.AddWithValue("now", now);
            if (await fail.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await EventWriter.AppendAsync(connection, transaction, context.SessionId, EventTypes.StepFailed,
            new { step = context.StepName, attempt = context.Attempt, reason }, now, cancellationToken);
        await FinishSessionAsync(connection, transaction, context.SessionId, SessionStatus.Failed, reason, now, cancellationToken);
        await EventWriter.AppendAsync(connection, transaction, context.SessionId, EventTypes.SessionFailed,
            new { sessionId = context.SessionId, reason }, now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private async Task<StoredArtifact?> ReadArtifactAsync(Guid sessionId, string role, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand(
            "SELECT id, kind, content_type, data FROM artifacts WHERE session_id = @session AND role = @role");
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("role", role);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredArtifact(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetFieldValue<byte[]>(3))
            : null;
    }

    private static async Task UpdateSessionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, StepResult result, CancellationToken cancellationToken)
    {
        if (result.Transcript is null && result.Intent is null)
        {
            return;
        }

        await using var update = new NpgsqlCommand("""
            UPDATE sessions SET transcript = COALESCE(@transcript, transcript),
                                intent = COALESCE(@intent, intent),
                                intent_arguments = COALESCE(@arguments::jsonb, intent_arguments)
            WHERE id = @session
            """, connection, transaction);
        update.Parameters.AddWithValue("session", sessionId);
        update.Parameters.AddWithValue("transcript", (object?)result.Transcript ?? DBNull.Value);
        update.Parameters.AddWithValue("intent", (object?)result.Intent?.Intent ?? DBNull.Value);
        update.Parameters.AddWithValue("arguments", result.Intent is { } intent ? DeckardJson.Serialize(intent.Arguments) : DBNull.Value);
        await update.ExecuteNonQueryAsync(cancellationToken);
    }

    internal static async Task InsertArtifactAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, NewArtifact artifact, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        await using var insert = new NpgsqlCommand("""
            INSERT INTO artifacts (id, session_id, kind, role, content_type, size_bytes, data, created_at)
            VALUES (@id, @session, @kind, @role, @type, @size, @data, @now)
            ON CONFLICT (session_id, role) DO NOTHING
            """, connection, transaction);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("session", sessionId);
        insert.Parameters.AddWithValue("kind", artifact.Kind);
        insert.Parameters.AddWithValue("role", artifact.Role);
        insert.Parameters.AddWithValue("type", artifact.ContentType);
        insert.Parameters.AddWithValue("size", (long)artifact.Data.Length);
        insert.Parameters.AddWithValue("data", artifact.Data);
        insert.Parameters.AddWithValue("now", now);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 1)
        {
            await EventWriter.AppendAsync(connection, transaction, sessionId, EventTypes.ArtifactCreated,
                new { artifactId = id, kind = artifact.Kind, role = artifact.Role, contentType = artifact.ContentType, sizeBytes = artifact.Data.Length },
                now, cancellationToken);
        }
    }

    private static async Task FinishSessionAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, string status, string? error, DateTimeOffset now, CancellationToken cancellationToken)
    {
        await using var finish = new NpgsqlCommand(
            "UPDATE sessions SET status = @status, error = @error, finished_at = @now WHERE id = @session", connection, transaction);
        finish.Parameters.AddWithValue("session", sessionId);
        finish.Parameters.AddWithValue("status", status);
        finish.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        finish.Parameters.AddWithValue("now", now);
        await finish.ExecuteNonQueryAsync(cancellationToken);
    }
}
