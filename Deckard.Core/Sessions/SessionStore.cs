using System.Text.Json;
using Deckard.Core.Artifacts;
using Deckard.Core.Conversations;
using Deckard.Core.Events;
using Deckard.Core.Queue;
using Deckard.Core.Steps;
using Deckard.Core.Storage;
using Deckard.Core.Telemetry;
using Npgsql;

namespace Deckard.Core.Sessions;

/// <summary>Sessions as the API creates, reads, lists and cancels them.</summary>
public sealed class SessionStore(NpgsqlDataSource dataSource, OutboxPublisher publisher, ArtifactStore artifactStore, TimeProvider timeProvider)
{
    /// <summary>
    /// The session, its uploaded audio, its first step, its <c>session.created</c> event and the outbox row, in one
    /// transaction: a session that exists will run, even if Redis is down right now.
    /// </summary>
    /// <returns>The new session as <see cref="GetAsync"/> would read it, built without reading it back.</returns>
    public async Task<SessionView> CreateAsync(NewSession session, CancellationToken cancellationToken)
    {
        // PostgreSQL keeps microseconds: the returned view matches what a later read gives.
        var now = timeProvider.GetUtcNow();
        now = now.AddTicks(-(now.Ticks % 10));
        var id = Guid.CreateVersion7(now);
        var firstStep = Flows.First(session.Kind);
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        // One round trip for every row and the commit: a batch outside an explicit transaction runs in an implicit one,
        // so either every row is stored or none is.
        await using var batch = new NpgsqlBatch(connection);
        var insert = new NpgsqlBatchCommand("""
            INSERT INTO sessions (id, owner, kind, status, prompt, options, trace_id, created_at, updated_at, voice_consent_at)
            VALUES (@id, @owner, @kind, 'queued', @prompt, @options::jsonb, @trace, @now, @now, CASE WHEN @consent THEN @now END)
            """);
        insert.Parameters.AddWithValue("id", id);
        insert.Parameters.AddWithValue("owner", session.Owner);
        insert.Parameters.AddWithValue("kind", session.Kind);
        insert.Parameters.AddWithValue("prompt", (object?)session.Prompt ?? DBNull.Value);
        insert.Parameters.AddWithValue("options", DeckardJson.Serialize(session.Options));
        insert.Parameters.AddWithValue("trace", (object?)session.TraceId ?? DBNull.Value);
        insert.Parameters.AddWithValue("now", now);
        insert.Parameters.AddWithValue("consent", session.VoiceConsent);
        batch.BatchCommands.Add(insert);

        var uploads = new List<FileStream>();
        var artifacts = new List<ArtifactView>();
        var storedKeys = new List<string>();
        var committed = false;
        long outboxId;
        try
        {
            foreach (var upload in session.Uploads)
            {
                var file = File.OpenRead(upload.Path);
                uploads.Add(file);
                var artifactId = Guid.CreateVersion7(now);
                artifacts.Add(new ArtifactView(artifactId, upload.Kind, upload.Role, upload.ContentType, file.Length, now));
                // Npgsql streams the file to the server: the upload is never whole in memory.
                var artifact = await artifactStore.InsertCommandAsync(
                    artifactId, id, session.Owner, NewArtifact.FromFile(upload.Kind, upload.Role, upload.ContentType, upload.Path), file, now,
                    storedKeys, cancellationToken);
                batch.BatchCommands.Add(artifact);
            }

            var step = new NpgsqlBatchCommand(
                "INSERT INTO steps (session_id, name, state, input, created_at) VALUES (@session, @step, 'pending', @input::jsonb, @now)");
            step.Parameters.AddWithValue("session", id);
            step.Parameters.AddWithValue("step", firstStep.Name);
            step.Parameters.AddWithValue("input", firstStep.Input is null ? (object)DBNull.Value : DeckardJson.Serialize(firstStep.Input));
            step.Parameters.AddWithValue("now", now);
            batch.BatchCommands.Add(step);
            batch.BatchCommands.Add(EventWriter.Command(id, EventTypes.SessionCreated,
                new SessionCreatedData(id, SessionStatus.Queued, session.InputKind, firstStep.Name), now));
            batch.BatchCommands.Add(OutboxWriter.Command(id, firstStep.Name, session.TraceParent, now, now));
            outboxId = await OutboxWriter.ExecuteAsync(batch, cancellationToken);
            committed = true;
        }
        finally
        {
            foreach (var file in uploads)
            {
                await file.DisposeAsync();
            }

            if (!committed)
            {
                // Uploads already in object storage belong to no session: remove them.
                await artifactStore.DeleteObjectsAsync(storedKeys, CancellationToken.None);
            }
        }

        await publisher.PublishCommittedAsync(new StepMessage(id, firstStep.Name, session.TraceParent, outboxId));
        return new SessionView(id, session.Owner, session.Kind, SessionStatus.Queued, session.Prompt, null, null, null, session.Options, EmptyResults,
            null, now, now, null, session.TraceId, [new StepView(firstStep.Name, "pending", 0, null, null, null, null, null)], artifacts);
    }

    /// <summary>The owner's session; another owner's is as absent as one that never existed.</summary>
    public async Task<SessionView?> GetAsync(Guid id, string owner, CancellationToken cancellationToken)
    {
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        SessionView? session;
        await using (var command = new NpgsqlCommand($"SELECT {SessionColumns} FROM sessions WHERE id = @id AND owner = @owner", connection))
        {
            command.Parameters.AddWithValue("id", id);
            command.Parameters.AddWithValue("owner", owner);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            session = await reader.ReadAsync(cancellationToken) ? ReadSession(reader) : null;
        }

        if (session is null)
        {
            return null;
        }

        var steps = new List<StepView>();
        await using (var command = new NpgsqlCommand("""
            SELECT name, state, attempts, error, model, input_tokens, output_tokens, total_tokens, gpu_seconds, started_at, finished_at, output::text, instance
            FROM steps WHERE session_id = @id ORDER BY created_at, name, instance
            """, connection))
        {
            command.Parameters.AddWithValue("id", id);
            await using var reader = await command.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                steps.Add(new StepView(
                    reader.GetString(0), reader.GetString(1), reader.GetInt32(2), NullableString(reader, 3),
                    reader.IsDBNull(4) ? null : new ModelUsage(reader.GetString(4), NullableInt(reader, 5), NullableInt(reader, 6), NullableInt(reader, 7)),
                    reader.IsDBNull(8) ? null : reader.GetDouble(8),
                    reader.IsDBNull(9) ? null : reader.GetFieldValue<DateTimeOffset>(9),
                    reader.IsDBNull(10) ? null : reader.GetFieldValue<DateTimeOffset>(10),
                    reader.IsDBNull(11) ? null : ParseJson(reader.GetString(11)),
                    reader.GetString(12)));
            }
        }

        var artifacts = await ArtifactStore.ListAsync(connection, id, cancellationToken);
        var turns = session.Intent == Intent.Conversation ? await ConversationTurns.ListAsync(connection, id, cancellationToken) : null;
        return session with { Steps = steps, Artifacts = artifacts, Turns = turns };
    }

    /// <summary>Newest first, <paramref name="limit"/> at a time; <paramref name="before"/> is the last item of the previous page.</summary>
    public async Task<IReadOnlyList<SessionView>> ListAsync(
        string owner, (DateTimeOffset CreatedAt, Guid Id)? before, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"""
            SELECT {SessionColumns} FROM sessions
            WHERE owner = @owner AND (@hasCursor = false OR (created_at, id) < (@createdAt, @id))
            ORDER BY created_at DESC, id DESC
            LIMIT @limit
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("hasCursor", before is not null);
        command.Parameters.AddWithValue("createdAt", before?.CreatedAt ?? DateTimeOffset.UnixEpoch);
        command.Parameters.AddWithValue("id", before?.Id ?? Guid.Empty);
        command.Parameters.AddWithValue("limit", limit);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var sessions = new List<SessionView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            sessions.Add(ReadSession(reader));
        }

        return sessions;
    }

    public async Task<CancelOutcome> CancelAsync(Guid id, string owner, CancellationToken cancellationToken)
    {
        var now = timeProvider.GetUtcNow();
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        await using var lookup = new NpgsqlCommand("SELECT status FROM sessions WHERE id = @id AND owner = @owner FOR UPDATE", connection, transaction);
        lookup.Parameters.AddWithValue("id", id);
        lookup.Parameters.AddWithValue("owner", owner);
        var status = (string?)await lookup.ExecuteScalarAsync(cancellationToken);
        if (status is null)
        {
            return CancelOutcome.NotFound;
        }

        if (SessionStatus.IsTerminal(status))
        {
            return CancelOutcome.AlreadyFinished;
        }

        await using (var cancel = new NpgsqlCommand("""
            UPDATE sessions SET status = 'cancelled', finished_at = @now WHERE id = @id;
            UPDATE steps SET state = 'cancelled', finished_at = @now WHERE session_id = @id AND state IN ('pending', 'running');
            UPDATE outbox SET sent_at = @now WHERE session_id = @id AND sent_at IS NULL;
            """, connection, transaction))
        {
            cancel.Parameters.AddWithValue("id", id);
            cancel.Parameters.AddWithValue("now", now);
            await cancel.ExecuteNonQueryAsync(cancellationToken);
        }

        await EventWriter.AppendAsync(connection, transaction, id, EventTypes.SessionCancelled, new SessionCancelledData(id), now, cancellationToken);
        await transaction.CommitAsync(cancellationToken);
        DeckardMetrics.RecordSessionEnded(SessionStatus.Cancelled);
        return CancelOutcome.Cancelled;
    }

    public async Task<bool> ExistsAsync(Guid id, string owner, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT 1 FROM sessions WHERE id = @id AND owner = @owner");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("owner", owner);
        return await command.ExecuteScalarAsync(cancellationToken) is not null;
    }

    private const string SessionColumns =
        "id, owner, kind, status, prompt, transcript, intent, intent_arguments::text, options::text, results::text, error, created_at, updated_at, finished_at, trace_id";

    private static readonly JsonElement EmptyResults = ParseJson("{}");

    private static SessionView ReadSession(NpgsqlDataReader reader) => new(
        reader.GetGuid(0),
        reader.GetString(1),
        reader.GetString(2),
        reader.GetString(3),
        NullableString(reader, 4),
        NullableString(reader, 5),
        NullableString(reader, 6),
        reader.IsDBNull(7) ? null : ParseJson(reader.GetString(7)),
        JsonSerializer.Deserialize<SessionOptions>(reader.GetString(8), DeckardJson.Options) ?? new SessionOptions(),
        ParseJson(reader.GetString(9)),
        NullableString(reader, 10),
        reader.GetFieldValue<DateTimeOffset>(11),
        reader.GetFieldValue<DateTimeOffset>(12),
        reader.IsDBNull(13) ? null : reader.GetFieldValue<DateTimeOffset>(13),
        NullableString(reader, 14),
        [],
        []);

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static int? NullableInt(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetInt32(ordinal);
}
