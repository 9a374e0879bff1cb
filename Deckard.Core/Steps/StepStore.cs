using System.Text.Json;
using Deckard.Core.Artifacts;
using Deckard.Core.Costs;
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
public sealed class StepStore(NpgsqlDataSource dataSource, OutboxPublisher publisher, ArtifactStore artifacts, TimeProvider timeProvider)
{
    /// <summary>The SQLSTATE <c>deckard_step_overtaken()</c> raises (migration 0008).</summary>
    private const string OvertakenSqlState = "DK001";

    /// <summary>
    /// Claims the step in one statement (one round trip, its own transaction): the step becomes running with one more
    /// attempt, and what the step works on is read back. A first run or a scheduled retry (the step was pending) also
    /// sets the session running and appends <c>step.started</c> with its notification; a reclaimed run (a worker died
    /// mid-step) continues silently.
    /// </summary>
    /// <param name="takeOver">
    /// Whether a running step may be claimed: true for a message taken over from a consumer that died (the run it
    /// started is gone), false for a fresh delivery, which for a running step is a duplicate (the outbox published the
    /// row twice) and must not overtake the live run.
    /// </param>
    public async Task<StepClaim> ClaimAsync(Guid sessionId, string stepName, string instance, bool takeOver, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var claim = dataSource.CreateCommand($$"""
            WITH previous AS (
                SELECT steps.state, sessions.owner, sessions.kind, sessions.prompt, sessions.transcript, sessions.intent,
                       sessions.intent_arguments::text AS intent_arguments, sessions.options::text AS options, sessions.results::text AS results,
                       EXISTS (SELECT 1 FROM artifacts WHERE artifacts.owner = sessions.owner AND artifacts.role = @portrait) AS has_avatar
                FROM steps JOIN sessions ON sessions.id = steps.session_id
                WHERE steps.session_id = @session AND steps.name = @step AND steps.instance = @instance
                  AND (steps.state = 'pending' OR steps.state = 'running' AND @takeOver)
                  AND sessions.status IN ('queued', 'running', 'conversing')
                FOR UPDATE OF steps, sessions),
            claimed AS (
                UPDATE steps SET state = 'running', attempts = attempts + 1, started_at = COALESCE(started_at, @now)
                FROM previous
                WHERE steps.session_id = @session AND steps.name = @step AND steps.instance = @instance
                RETURNING steps.attempts, previous.state, steps.input::text AS input, previous.owner, previous.kind, previous.prompt,
                          previous.transcript, previous.intent, previous.intent_arguments, previous.options, previous.results, previous.has_avatar),
            announced AS (
                UPDATE sessions SET status = CASE WHEN sessions.status = 'queued' THEN 'running' ELSE sessions.status END,
                                    last_event_seq = last_event_seq + 1, updated_at = @now
                FROM claimed
                WHERE sessions.id = @session AND claimed.state = 'pending'
                RETURNING sessions.last_event_seq, claimed.attempts),
            inserted AS (
                INSERT INTO events (session_id, seq, type, data, created_at)
                SELECT @session, announced.last_event_seq, @type, jsonb_set(@data::jsonb, '{attempt}', to_jsonb(announced.attempts)), @now
                FROM announced
                RETURNING seq, type, data, created_at)
            SELECT claimed.*, (SELECT count(pg_notify(@channel, {{EventNotification.PayloadSql}})) FROM inserted) AS notified FROM claimed
            """);
        claim.Parameters.AddWithValue("session", sessionId);
        claim.Parameters.AddWithValue("step", stepName);
        claim.Parameters.AddWithValue("instance", instance);
        claim.Parameters.AddWithValue("now", now);
        claim.Parameters.AddWithValue("portrait", ArtifactRoles.Portrait);
        claim.Parameters.AddWithValue("takeOver", takeOver);
        // The event's data as the C# record serialises it; the attempt is only known in the statement.
        claim.Parameters.AddWithValue("type", EventTypes.StepStarted);
        claim.Parameters.AddWithValue("data", DeckardJson.Serialize(new StepStartedData(stepName, InstanceOrNull(instance), 0)));
        claim.Parameters.AddWithValue("channel", EventWriter.NotificationChannel);
        claim.Parameters.AddWithValue("payload", sessionId.ToString("N"));
        await using var reader = await claim.ExecuteReaderAsync(cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return new StepClaim.NothingToDo("the step is finished, or its session has ended");
        }

        var attempt = reader.GetInt32(0);
        var owner = reader.GetString(3);
        var context = new StepContext(
            sessionId, stepName, instance, attempt, owner,
            Kind: reader.GetString(4),
            Prompt: NullableString(reader, 5),
            Transcript: NullableString(reader, 6),
            Intent: NullableString(reader, 7),
            IntentArguments: NullableString(reader, 8) is { } arguments ? ParseJson(arguments) : null,
            Options: JsonSerializer.Deserialize<SessionOptions>(reader.GetString(9), DeckardJson.Options) ?? new SessionOptions(),
            Results: ParseJson(reader.GetString(10)),
            OwnerHasAvatar: reader.GetBoolean(11),
            Input: NullableString(reader, 2) is { } input ? ParseJson(input) : null,
            ReportAsync: (type, data, token) => ReportAsync(sessionId, stepName, instance, attempt, type, data, token));
        return new StepClaim.Claimed(context);
    }

    /// <summary>
    /// Stores a successful run and queues <paramref name="next"/> (the flow table's next step). With no next step the
    /// session goes live when <paramref name="goesLive"/> (a conversation), and otherwise completes once none of its
    /// steps is left unfinished and it is not live (a conversation's renders finish after it ends).
    /// </summary>
    public async Task<StepCompletion> CompleteAsync(
        StepContext context, StepResult result, FlowStep? next, bool goesLive, string? traceParent, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // A step without artifacts (routing, web search) stores its result in one batch: one round trip, committed as
        // PostgreSQL's implicit transaction, the guarded completion first. A step that made artifacts completes the step
        // first in an explicit transaction, so an artifact's object is written only while this run holds the step.
        await using var transaction = result.Artifacts.Count > 0 ? await connection.BeginTransactionAsync(cancellationToken) : null;
        StepCompletion completion;
        long? outboxId = null;
        try
        {
            await using var batch = new NpgsqlBatch(connection, transaction);
            if (transaction is null)
            {
                batch.BatchCommands.Add(CompleteStepCommand(context, result, now));
            }
            else
            {
                await using (var guard = new NpgsqlBatch(connection, transaction) { BatchCommands = { CompleteStepCommand(context, result, now) } })
                {
                    await guard.ExecuteNonQueryAsync(cancellationToken);
                }

                // Artifacts next (each announced only if it was new), then every other write in one round trip.
                foreach (var artifact in result.Artifacts)
                {
                    await artifacts.InsertAsync(connection, transaction, context.SessionId, context.Owner, artifact, now, cancellationToken);
                }
            }

            AddResultCommands(batch, context, result, now);
            if (next is null && goesLive)
            {
                batch.BatchCommands.Add(SessionLifecycle.GoLiveCommand(context.SessionId, now));
                batch.BatchCommands.Add(EventWriter.Command(context.SessionId, EventTypes.ConversationReady,
                    new ConversationReadyData(context.SessionId, $"/api/sessions/{context.SessionId}/realtime"), now));
                await batch.ExecuteNonQueryAsync(cancellationToken);
                completion = StepCompletion.Stored;
            }
            else if (next is null)
            {
                batch.BatchCommands.Add(SessionLifecycle.CompleteIfDoneCommand(context.SessionId, now));
                completion = await SessionLifecycle.ExecuteAsync(batch, cancellationToken) ? StepCompletion.SessionCompleted : StepCompletion.Stored;
            }
            else
            {
                var insert = new NpgsqlBatchCommand("""
                    INSERT INTO steps (session_id, name, state, input, created_at) VALUES (@session, @step, 'pending', @input::jsonb, @now)
                    ON CONFLICT (session_id, name, instance) DO NOTHING
                    """);
                insert.Parameters.AddWithValue("session", context.SessionId);
                insert.Parameters.AddWithValue("step", next.Name);
                insert.Parameters.AddWithValue("input", next.Input is null ? (object)DBNull.Value : DeckardJson.Serialize(next.Input));
                insert.Parameters.AddWithValue("now", now);
                batch.BatchCommands.Add(insert);
                batch.BatchCommands.Add(OutboxWriter.Command(context.SessionId, next.Name, traceParent, now, now));
                outboxId = await OutboxWriter.ExecuteAsync(batch, cancellationToken);
                completion = StepCompletion.Stored;
            }

            if (transaction is not null)
            {
                await transaction.CommitAsync(cancellationToken);
            }
        }
        catch (PostgresException exception) when (exception.SqlState == OvertakenSqlState)
        {
            // Nothing of this run was stored: the batch (or the transaction) rolled back whole.
            return StepCompletion.Overtaken;
        }

        if (outboxId is { } committed && next is not null)
        {
            await publisher.PublishCommittedAsync(new StepMessage(context.SessionId, next.Name, traceParent, committed));
        }

        return completion;
    }

    /// <summary>
    /// Completes the step if this attempt still holds it and its session still runs; otherwise raises
    /// <see cref="OvertakenSqlState"/>, which rolls back everything batched or done in the transaction with it.
    /// </summary>
    private static NpgsqlBatchCommand CompleteStepCommand(StepContext context, StepResult result, DateTimeOffset now)
    {
        var complete = new NpgsqlBatchCommand("""
            WITH completed AS (
                UPDATE steps SET state = 'completed', output = @output::jsonb, error = NULL, finished_at = @now,
                       model = @model, input_tokens = @input, output_tokens = @outputTokens, total_tokens = @total, gpu_seconds = @gpu
                WHERE session_id = @session AND name = @step AND instance = @instance AND state = 'running' AND attempts = @attempt
                  AND EXISTS (SELECT 1 FROM sessions WHERE id = @session AND status IN ('running', 'conversing'))
                RETURNING 1)
            SELECT CASE WHEN EXISTS (SELECT 1 FROM completed) THEN true ELSE deckard_step_overtaken() END AS step_completed
            """);
        complete.Parameters.AddWithValue("session", context.SessionId);
        complete.Parameters.AddWithValue("step", context.StepName);
        complete.Parameters.AddWithValue("instance", context.Instance);
        complete.Parameters.AddWithValue("attempt", context.Attempt);
        complete.Parameters.AddWithValue("output", result.Output is null ? (object)DBNull.Value : DeckardJson.Serialize(result.Output));
        complete.Parameters.AddWithValue("now", now);
        complete.Parameters.AddWithValue("model", (object?)result.Usage?.Model ?? DBNull.Value);
        complete.Parameters.AddWithValue("input", (object?)result.Usage?.InputTokens ?? DBNull.Value);
        complete.Parameters.AddWithValue("outputTokens", (object?)result.Usage?.OutputTokens ?? DBNull.Value);
        complete.Parameters.AddWithValue("total", (object?)result.Usage?.TotalTokens ?? DBNull.Value);
        complete.Parameters.AddWithValue("gpu", (object?)result.GpuSeconds ?? DBNull.Value);
        return complete;
    }

    /// <summary>What the step's result changes besides the step: the session's fields, its events, the day's spend.</summary>
    private static void AddResultCommands(NpgsqlBatch batch, StepContext context, StepResult result, DateTimeOffset now)
    {
        if (UpdateSessionCommand(context.SessionId, result) is { } update)
        {
            batch.BatchCommands.Add(update);
        }

        foreach (var (type, data) in result.Events)
        {
            batch.BatchCommands.Add(EventWriter.Command(context.SessionId, type, data, now));
        }

        batch.BatchCommands.Add(EventWriter.Command(context.SessionId, EventTypes.StepCompleted,
            new StepCompletedData(context.StepName, InstanceOrNull(context.Instance), context.Attempt, result.Usage), now));
        // Today's spend, kept as a running total for the quota check.
        if (SpendLedger.AddCommand(context.Owner, now, SpendLedger.Tokens(result.Usage), result.GpuSeconds ?? 0) is { } spent)
        {
            batch.BatchCommands.Add(spent);
        }
    }

    /// <summary>Puts the step back to pending and schedules it <paramref name="delay"/> from now.</summary>
    public async Task<bool> ScheduleRetryAsync(
        StepContext context, string reason, TimeSpan delay, string? traceParent, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        // Due after its creation, even with no delay: the relay tells a scheduled row from one its writer publishes.
        delay = delay < TimeSpan.FromMilliseconds(1) ? TimeSpan.FromMilliseconds(1) : delay;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var retry = new NpgsqlCommand("""
            UPDATE steps SET state = 'pending', error = @reason
            WHERE session_id = @session AND name = @step AND instance = @instance AND state = 'running' AND attempts = @attempt
            """, connection, transaction))
        {
            retry.Parameters.AddWithValue("session", context.SessionId);
            retry.Parameters.AddWithValue("step", context.StepName);
            retry.Parameters.AddWithValue("instance", context.Instance);
            retry.Parameters.AddWithValue("attempt", context.Attempt);
            retry.Parameters.AddWithValue("reason", reason);
            if (await retry.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return false;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction)
        {
            BatchCommands =
            {
                EventWriter.Command(context.SessionId, EventTypes.StepRetrying,
                    new StepRetryingData(context.StepName, InstanceOrNull(context.Instance), context.Attempt, (long)delay.TotalMilliseconds, reason), now),
                OutboxWriter.Command(context.SessionId, context.StepName, traceParent, now + delay, now, context.Instance),
            },
        };
        await batch.ExecuteNonQueryAsync(cancellationToken);
        // The relay publishes it when it comes due.
        await transaction.CommitAsync(cancellationToken);
        return true;
    }

    /// <summary>
    /// Fails the step with a reason a person can read. A flow's step fails its session; an extra run of a step (a
    /// conversation turn's render) fails alone, and the session completes if that was all it waited for.
    /// </summary>
    public async Task<StepFailureOutcome> FailAsync(StepContext context, string reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var fail = new NpgsqlCommand("""
            UPDATE steps SET state = 'failed', error = @reason, finished_at = @now
            WHERE session_id = @session AND name = @step AND instance = @instance AND state = 'running' AND attempts = @attempt
            """, connection, transaction))
        {
            fail.Parameters.AddWithValue("session", context.SessionId);
            fail.Parameters.AddWithValue("step", context.StepName);
            fail.Parameters.AddWithValue("instance", context.Instance);
            fail.Parameters.AddWithValue("attempt", context.Attempt);
            fail.Parameters.AddWithValue("reason", reason);
            fail.Parameters.AddWithValue("now", now);
            if (await fail.ExecuteNonQueryAsync(cancellationToken) == 0)
            {
                return StepFailureOutcome.Overtaken;
            }
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        batch.BatchCommands.Add(EventWriter.Command(context.SessionId, EventTypes.StepFailed,
            new StepFailedData(context.StepName, InstanceOrNull(context.Instance), context.Attempt, reason), now));
        if (context.Instance.Length > 0)
        {
            batch.BatchCommands.Add(SessionLifecycle.CompleteIfDoneCommand(context.SessionId, now));
            var completed = await SessionLifecycle.ExecuteAsync(batch, cancellationToken);
            await transaction.CommitAsync(cancellationToken);
            return completed ? StepFailureOutcome.StepFailedSessionCompleted : StepFailureOutcome.StepFailed;
        }

        batch.BatchCommands.Add(FinishSessionCommand(context.SessionId, SessionStatus.Failed, reason, now));
        batch.BatchCommands.Add(EventWriter.Command(context.SessionId, EventTypes.SessionFailed, new SessionFailedData(context.SessionId, reason), now));
        await batch.ExecuteNonQueryAsync(cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        return StepFailureOutcome.SessionFailed;
    }

    /// <summary>The flow's own run of a step has no instance: the events leave the field out.</summary>
    private static string? InstanceOrNull(string instance) => instance.Length > 0 ? instance : null;

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }


    /// <summary>Appends a progress event while the run still holds its step (not overtaken, session not ended).</summary>
    private async Task ReportAsync(Guid sessionId, string stepName, string instance, int attempt, string type, object data, CancellationToken cancellationToken)
    {
        try
        {
            await AppendProgressAsync(sessionId, stepName, instance, attempt, type, data, cancellationToken);
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException)
        {
            throw new ProgressNotStoredException($"The {type} event could not be stored: {exception.Message}", exception);
        }
    }

    private async Task AppendProgressAsync(
        Guid sessionId, string stepName, string instance, int attempt, string type, object data, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using (var holds = new NpgsqlCommand("""
            SELECT 1 FROM steps JOIN sessions ON sessions.id = steps.session_id
            WHERE steps.session_id = @session AND steps.name = @step AND steps.instance = @instance
              AND steps.state = 'running' AND steps.attempts = @attempt
              AND sessions.status IN ('running', 'conversing')
            FOR SHARE OF steps
            """, connection, transaction))
        {
            holds.Parameters.AddWithValue("session", sessionId);
            holds.Parameters.AddWithValue("step", stepName);
            holds.Parameters.AddWithValue("instance", instance);
            holds.Parameters.AddWithValue("attempt", attempt);
            if (await holds.ExecuteScalarAsync(cancellationToken) is null)
            {
                return;
            }
        }

        await EventWriter.AppendAsync(connection, transaction, sessionId, type, data, timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    private static NpgsqlBatchCommand? UpdateSessionCommand(Guid sessionId, StepResult result)
    {
        if (result.Transcript is null && result.Intent is null && result.Results.Count == 0)
        {
            return null;
        }

        var update = new NpgsqlBatchCommand("""
            UPDATE sessions SET transcript = COALESCE(@transcript, transcript),
                                intent = COALESCE(@intent, intent),
                                intent_arguments = COALESCE(@arguments::jsonb, intent_arguments),
                                results = results || @results::jsonb
            WHERE id = @session
            """);
        update.Parameters.AddWithValue("session", sessionId);
        update.Parameters.AddWithValue("transcript", (object?)result.Transcript ?? DBNull.Value);
        update.Parameters.AddWithValue("intent", (object?)result.Intent?.Intent ?? DBNull.Value);
        update.Parameters.AddWithValue("arguments", result.Intent is { } intent ? DeckardJson.Serialize(intent.Arguments) : DBNull.Value);
        update.Parameters.AddWithValue("results", DeckardJson.Serialize(result.Results));
        return update;
    }

    private static NpgsqlBatchCommand FinishSessionCommand(Guid sessionId, string status, string? error, DateTimeOffset now)
    {
        var finish = new NpgsqlBatchCommand("UPDATE sessions SET status = @status, error = @error, finished_at = @now WHERE id = @session");
        finish.Parameters.AddWithValue("session", sessionId);
        finish.Parameters.AddWithValue("status", status);
        finish.Parameters.AddWithValue("error", (object?)error ?? DBNull.Value);
        finish.Parameters.AddWithValue("now", now);
        return finish;
    }
}

