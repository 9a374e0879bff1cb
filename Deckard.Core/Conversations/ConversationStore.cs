using System.Text.Json;
using Deckard.Core.Artifacts;
using Deckard.Core.Costs;
using Deckard.Core.Events;
using Deckard.Core.Queue;
using Deckard.Core.Sessions;
using Deckard.Core.Steps;
using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.Core.Conversations;

/// <summary>
/// A live conversation in PostgreSQL: connecting to it, storing each captured reply (with its render queued in the same
/// transaction), and ending it. Turns, renders and the end are each one transaction, so nothing captured is half stored.
/// </summary>
public sealed class ConversationStore(NpgsqlDataSource dataSource, OutboxPublisher publisher, ArtifactStore artifacts, TimeProvider timeProvider)
{
    /// <summary>The owner's live conversation, marked attended; or why it cannot be joined.</summary>
    public async Task<(LiveConversation? Conversation, ConversationRefusal? Refusal)> ConnectAsync(
        Guid sessionId, string owner, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        LiveConversation conversation;
        await using (var select = new NpgsqlCommand("""
            SELECT s.status, s.intent, s.options::text, s.intent_arguments ->> 'topic', COALESCE(s.transcript, s.prompt),
                   (SELECT COALESCE(MAX(number), 0) + 1 FROM turns WHERE turns.session_id = s.id),
                   (SELECT portrait_session.intent_arguments ->> 'description'
                    FROM artifacts portrait JOIN sessions portrait_session ON portrait_session.id = portrait.session_id
                    WHERE portrait.owner = s.owner AND portrait.role = @portrait
                      AND (s.options ->> 'avatarId' IS NULL OR portrait.id::text = s.options ->> 'avatarId')
                    ORDER BY portrait.created_at DESC LIMIT 1),
                   EXISTS (SELECT 1 FROM artifacts WHERE artifacts.owner = s.owner AND artifacts.role = @portrait),
                   s.trace_id
            FROM sessions s WHERE s.id = @session AND s.owner = @owner
            FOR UPDATE OF s
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("session", sessionId);
            select.Parameters.AddWithValue("owner", owner);
            select.Parameters.AddWithValue("portrait", ArtifactRoles.Portrait);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return (null, ConversationRefusal.NotFound);
            }

            var status = reader.GetString(0);
            var intent = reader.IsDBNull(1) ? null : reader.GetString(1);
            var options = JsonSerializer.Deserialize<SessionOptions>(reader.GetString(2), DeckardJson.Options) ?? new SessionOptions();
            var isConversation = intent == Intent.Conversation || (intent is null && options.Intent == Intent.Conversation);
            if (!isConversation)
            {
                return (null, SessionStatus.IsTerminal(status) || intent is not null ? ConversationRefusal.NotAConversation : ConversationRefusal.NotLiveYet);
            }

            if (SessionStatus.IsTerminal(status) || (status == SessionStatus.Running && intent is not null))
            {
                return (null, ConversationRefusal.Ended);
            }

            if (status != SessionStatus.Conversing)
            {
                return (null, ConversationRefusal.NotLiveYet);
            }

            conversation = new LiveConversation(
                sessionId, owner, options,
                Topic: reader.IsDBNull(3) ? (reader.IsDBNull(4) ? null : reader.GetString(4)) : reader.GetString(3),
                Persona: reader.IsDBNull(6) ? null : reader.GetString(6),
                HasAvatar: reader.GetBoolean(7),
                NextTurn: reader.GetInt32(5),
                TraceParent: null);
        }

        await using (var touch = new NpgsqlCommand("UPDATE sessions SET live_at = @now WHERE id = @session", connection, transaction))
        {
            touch.Parameters.AddWithValue("session", sessionId);
            touch.Parameters.AddWithValue("now", now);
            await touch.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        return (conversation, null);
    }

    /// <summary>Announces on the session's events that a browser is connected, with the voice the assistant speaks in.</summary>
    public async Task AnnounceConnectedAsync(LiveConversation conversation, string voice, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await EventWriter.AppendAsync(connection, transaction, conversation.SessionId, EventTypes.ConversationConnected,
            new ConversationConnectedData(conversation.SessionId, conversation.NextTurn, voice), timeProvider.GetUtcNow(), cancellationToken);
        await transaction.CommitAsync(cancellationToken);
    }

    /// <summary>
    /// Marks the conversation as still attended, so the idle sweep leaves it alone; false when it is no longer live
    /// (cancelled, or ended by another process).
    /// </summary>
    public async Task<bool> TouchAsync(Guid sessionId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE sessions SET live_at = @now WHERE id = @session AND status = 'conversing'");
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) > 0;
    }

    /// <summary>
    /// Adds a connection's Realtime usage to the session's <c>realtime</c> step (created on the first connection,
    /// summed over reconnections), which the cost estimate prices.
    /// </summary>
    public async Task AddUsageAsync(Guid sessionId, ModelUsage usage, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        // One statement: the step's sum and the owner's running total for the day (the quota check's).
        await using var command = dataSource.CreateCommand("""
            WITH step AS (
                INSERT INTO steps (session_id, name, instance, state, attempts, model, input_tokens, output_tokens, total_tokens, created_at, started_at, finished_at)
                VALUES (@session, @step, '', 'completed', 1, @model, @input, @output, @total, @now, @now, @now)
                ON CONFLICT (session_id, name, instance) DO UPDATE SET
                    attempts = steps.attempts + 1,
                    input_tokens = COALESCE(steps.input_tokens, 0) + excluded.input_tokens,
                    output_tokens = COALESCE(steps.output_tokens, 0) + excluded.output_tokens,
                    total_tokens = COALESCE(steps.total_tokens, 0) + excluded.total_tokens,
                    finished_at = excluded.finished_at)
            INSERT INTO spend_ledger (owner, day, tokens, gpu_seconds)
            SELECT owner, @day, @spent, 0 FROM sessions WHERE id = @session
            ON CONFLICT (owner, day) DO UPDATE SET tokens = spend_ledger.tokens + excluded.tokens
            """);
        command.Parameters.AddWithValue("day", SpendLedger.Day(now));
        command.Parameters.AddWithValue("spent", SpendLedger.Tokens(usage));
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("step", StepNames.Realtime);
        command.Parameters.AddWithValue("model", usage.Model);
        command.Parameters.AddWithValue("input", usage.InputTokens ?? 0);
        command.Parameters.AddWithValue("output", usage.OutputTokens ?? 0);
        command.Parameters.AddWithValue("total", usage.TotalTokens ?? 0);
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
    }

    /// <summary>
    /// Stores a reply: its WAV, its row, <c>turn.completed</c>, and (when <paramref name="render"/>) its lip-sync render,
    /// queued as the <c>lipsync</c> step's instance <c>turn-N</c>. False when the conversation had already ended.
    /// </summary>
    public async Task<bool> AddTurnAsync(LiveConversation conversation, CapturedTurn turn, bool render, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockLiveAsync(connection, transaction, conversation.SessionId, cancellationToken))
        {
            return false;
        }

        ArtifactView? audio = null;
        if (turn.WavPath is not null)
        {
            audio = await artifacts.InsertAsync(connection, transaction, conversation.SessionId, conversation.Owner,
                NewArtifact.FromFile(ArtifactKinds.Audio, TurnRoles.Reply(turn.Number), "audio/wav", turn.WavPath), now, cancellationToken);
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var row = new NpgsqlBatchCommand("""
            INSERT INTO turns (session_id, number, user_transcript, assistant_transcript, audio_artifact_id, audio_ms, interrupted, complete, created_at)
            VALUES (@session, @number, @user, @assistant, @audio, @ms, @interrupted, @complete, @now)
            ON CONFLICT (session_id, number) DO NOTHING
            """);
        row.Parameters.AddWithValue("session", conversation.SessionId);
        row.Parameters.AddWithValue("number", turn.Number);
        row.Parameters.AddWithValue("user", (object?)turn.User ?? DBNull.Value);
        row.Parameters.AddWithValue("assistant", (object?)turn.Assistant ?? DBNull.Value);
        row.Parameters.AddWithValue("audio", (object?)audio?.Id ?? DBNull.Value);
        row.Parameters.AddWithValue("ms", turn.AudioMs);
        row.Parameters.AddWithValue("interrupted", turn.Interrupted);
        row.Parameters.AddWithValue("complete", turn.Complete);
        row.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(row);
        batch.BatchCommands.Add(EventWriter.Command(conversation.SessionId, EventTypes.TurnCompleted, new TurnCompletedData(
            turn.Number, turn.User, turn.Assistant, audio is null ? null : new TurnAudioData(audio.Id, turn.AudioMs),
            turn.Interrupted, turn.Complete, Lipsync: render && audio is not null), now));

        var step = render && audio is not null
            ? new FlowStep(StepNames.Lipsync, new LipsyncInput(TurnRoles.Reply(turn.Number), LipsyncInput.AvatarPortrait, TurnRoles.Video(turn.Number), turn.Number))
            : null;
        await EnqueueAndCommitAsync(connection, transaction, batch, conversation, step, TurnRoles.Instance(turn.Number), now, cancellationToken);
        return true;
    }

    /// <summary>
    /// Ends a live conversation: the whole transcript into the session's results, <c>conversation.ended</c>, the one
    /// render of the whole conversation when asked for, and <c>completed</c> unless renders are still running. False
    /// when it had already ended.
    /// </summary>
    public async Task<bool> EndAsync(LiveConversation conversation, string reason, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        if (!await LockLiveAsync(connection, transaction, conversation.SessionId, cancellationToken))
        {
            return false;
        }

        var turns = await ConversationTurns.ListAsync(connection, conversation.SessionId, cancellationToken);
        FlowStep? step = null;
        if (conversation.WantsLipsync && conversation.LipsyncOnceAtEnd && turns.Any(turn => turn.AudioArtifactId is not null))
        {
            var whole = await WriteWholeConversationAsync(connection, transaction, conversation, turns, now, cancellationToken);
            step = whole ? new FlowStep(StepNames.Lipsync, new LipsyncInput(TurnRoles.WholeReplies, LipsyncInput.AvatarPortrait, TurnRoles.WholeVideo)) : null;
        }

        await using var batch = new NpgsqlBatch(connection, transaction);
        var end = new NpgsqlBatchCommand("""
            UPDATE sessions SET status = 'running', live_at = NULL, results = results || @results::jsonb WHERE id = @session
            """);
        end.Parameters.AddWithValue("session", conversation.SessionId);
        end.Parameters.AddWithValue("results", DeckardJson.Serialize(new Dictionary<string, object>
        {
            ["conversation"] = new
            {
                endedReason = reason,
                turns = turns.Count,
                transcript = turns.Select(turn => new { turn = turn.Turn, user = turn.User, assistant = turn.Assistant, turn.Interrupted }),
            },
        }));
        batch.BatchCommands.Add(end);
        batch.BatchCommands.Add(EventWriter.Command(conversation.SessionId, EventTypes.ConversationEnded,
            new ConversationEndedData(conversation.SessionId, reason, turns.Count), now));
        await EnqueueAndCommitAsync(connection, transaction, batch, conversation, step, TurnRoles.WholeInstance, now, cancellationToken, completeIfDone: true);
        return true;
    }

    /// <summary>Conversations no browser has kept alive for <paramref name="idleTimeout"/>: the sweep ends them.</summary>
    public async Task<IReadOnlyList<LiveConversation>> FindAbandonedAsync(TimeSpan idleTimeout, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, owner, options::text FROM sessions
            WHERE status = 'conversing' AND COALESCE(live_at, updated_at) < @before
            ORDER BY live_at LIMIT @limit
            """);
        command.Parameters.AddWithValue("before", timeProvider.GetUtcNow() - idleTimeout);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var found = new List<LiveConversation>();
        while (await reader.ReadAsync(cancellationToken))
        {
            var options = JsonSerializer.Deserialize<SessionOptions>(reader.GetString(2), DeckardJson.Options) ?? new SessionOptions();
            found.Add(new LiveConversation(reader.GetGuid(0), reader.GetString(1), options, null, null, HasAvatar: false, NextTurn: 0, null));
        }

        return found;
    }

    private static async Task<bool> LockLiveAsync(NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand("SELECT 1 FROM sessions WHERE id = @session AND status = 'conversing' FOR UPDATE", connection, transaction);
        command.Parameters.AddWithValue("session", sessionId);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    /// <summary>Every captured reply one after another, as one WAV artifact (same format: the samples are concatenated).</summary>
    private async Task<bool> WriteWholeConversationAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, LiveConversation conversation, IReadOnlyList<TurnView> turns,
        DateTimeOffset now, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"deckard-conversation-{conversation.SessionId:N}.wav");
        try
        {
            await using (var output = new FileStream(path, FileMode.Create, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous))
            {
                await output.WriteAsync(new byte[Media.RealtimeWav.HeaderSize], cancellationToken);
                foreach (var turn in turns.Where(turn => turn.AudioArtifactId is not null))
                {
                    // Each reply's samples, without its own header.
                    await artifacts.CopyToAsync(connection, transaction, turn.AudioArtifactId!.Value, Media.RealtimeWav.HeaderSize, output, cancellationToken);
                }

                await Media.RealtimeWav.WriteHeaderAsync(output, output.Length - Media.RealtimeWav.HeaderSize, cancellationToken);
            }

            return await artifacts.InsertAsync(connection, transaction, conversation.SessionId, conversation.Owner,
                NewArtifact.FromFile(ArtifactKinds.Audio, TurnRoles.WholeReplies, "audio/wav", path), now, cancellationToken) is not null;
        }
        finally
        {
            File.Delete(path);
        }
    }

    private async Task EnqueueAndCommitAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, NpgsqlBatch batch, LiveConversation conversation, FlowStep? step, string instance,
        DateTimeOffset now, CancellationToken cancellationToken, bool completeIfDone = false)
    {
        if (step is null)
        {
            if (completeIfDone)
            {
                batch.BatchCommands.Add(SessionLifecycle.CompleteIfDoneCommand(conversation.SessionId, now));
                if (await SessionLifecycle.ExecuteAsync(batch, cancellationToken))
                {
                    Telemetry.DeckardMetrics.RecordSessionEnded(SessionStatus.Completed);
                }
            }
            else
            {
                await batch.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
            return;
        }

        var insert = new NpgsqlBatchCommand("""
            INSERT INTO steps (session_id, name, instance, state, input, created_at) VALUES (@session, @step, @instance, 'pending', @input::jsonb, @now)
            ON CONFLICT (session_id, name, instance) DO NOTHING
            """);
        insert.Parameters.AddWithValue("session", conversation.SessionId);
        insert.Parameters.AddWithValue("step", step.Name);
        insert.Parameters.AddWithValue("instance", instance);
        insert.Parameters.AddWithValue("input", DeckardJson.Serialize(step.Input));
        insert.Parameters.AddWithValue("now", now);
        batch.BatchCommands.Add(insert);
        batch.BatchCommands.Add(OutboxWriter.Command(conversation.SessionId, step.Name, conversation.TraceParent, now, now, instance));
        var outboxId = await OutboxWriter.ExecuteAsync(batch, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        await publisher.PublishCommittedAsync(new StepMessage(conversation.SessionId, step.Name, conversation.TraceParent, outboxId, instance));
    }
}

/// <summary>The artifact roles and step instance of a conversation's turns (a role is unique per session).</summary>
public static class TurnRoles
{
    public const string WholeReplies = "conversation-replies";
    public const string WholeVideo = "conversation-video";
    public const string WholeInstance = "conversation";

    public static string Reply(int turn) => $"turn-{turn}-reply";

    public static string Video(int turn) => $"turn-{turn}-video";

    public static string Instance(int turn) => $"turn-{turn}";
}
