using Deckard.Core.Events;
using Npgsql;
using NpgsqlTypes;

namespace Deckard.Core.Artifacts;

/// <summary>
/// The one owner of the <c>artifacts</c> table: inserts stream their bytes to the server (never whole in memory
/// twice), reads go by role within a session or by id.
/// </summary>
public sealed class ArtifactStore(NpgsqlDataSource dataSource)
{
    private const string InsertSql = """
        INSERT INTO artifacts (id, session_id, owner, kind, role, content_type, size_bytes, data, created_at)
        VALUES (@id, @session, @owner, @kind, @role, @type, @size, @data, @now)
        ON CONFLICT (session_id, role) DO NOTHING
        """;

    /// <summary>
    /// Stores the artifact inside the caller's transaction and announces it with <c>artifact.created</c>; a role the
    /// session already has (a step that ran again) stores nothing and returns null.
    /// </summary>
    public static async Task<ArtifactView?> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, string owner, NewArtifact artifact, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        await using var content = artifact.Content.OpenRead();
        await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
        AddParameters(insert.Parameters, id, sessionId, owner, artifact, content, now);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            return null;
        }

        await EventWriter.AppendAsync(connection, transaction, sessionId, EventTypes.ArtifactCreated,
            new ArtifactCreatedData(id, artifact.Kind, artifact.Role, artifact.ContentType, content.Length),
            now, cancellationToken);
        return new ArtifactView(id, artifact.Kind, artifact.Role, artifact.ContentType, content.Length, now);
    }

    /// <summary>The same insert as a batch command over an open stream (a new session's uploads share one round trip).</summary>
    public static NpgsqlBatchCommand InsertCommand(Guid id, Guid sessionId, string owner, NewArtifact artifact, Stream content, DateTimeOffset now)
    {
        var insert = new NpgsqlBatchCommand(InsertSql);
        AddParameters(insert.Parameters, id, sessionId, owner, artifact, content, now);
        return insert;
    }

    public async Task<StoredArtifact?> ReadByRoleAsync(Guid sessionId, string role, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM artifacts WHERE session_id = @session AND role = @role");
        command.Parameters.AddWithValue("session", sessionId);
        command.Parameters.AddWithValue("role", role);
        return await ReadOneAsync(command, cancellationToken);
    }

    public async Task<StoredArtifact?> ReadByIdAsync(Guid artifactId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand($"SELECT {Columns} FROM artifacts WHERE id = @id");
        command.Parameters.AddWithValue("id", artifactId);
        return await ReadOneAsync(command, cancellationToken);
    }

    /// <summary>A session's artifacts, oldest first, without their bytes.</summary>
    public static async Task<List<ArtifactView>> ListAsync(NpgsqlConnection connection, Guid sessionId, CancellationToken cancellationToken)
    {
        await using var command = new NpgsqlCommand(
            "SELECT id, kind, role, content_type, size_bytes, created_at FROM artifacts WHERE session_id = @id ORDER BY created_at, role", connection);
        command.Parameters.AddWithValue("id", sessionId);
        return await ReadViewsAsync(command, cancellationToken);
    }

    /// <summary>An owner's artifacts of one role across their sessions, newest first (their portraits are their avatars).</summary>
    public async Task<IReadOnlyList<ArtifactView>> ListOfOwnerAsync(string owner, string role, int limit, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, kind, role, content_type, size_bytes, created_at FROM artifacts
            WHERE owner = @owner AND role = @role ORDER BY created_at DESC, id DESC LIMIT @limit
            """);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("role", role);
        command.Parameters.AddWithValue("limit", limit);
        return await ReadViewsAsync(command, cancellationToken);
    }

    private const string Columns = "id, session_id, owner, kind, role, content_type, data";

    private static async Task<List<ArtifactView>> ReadViewsAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var artifacts = new List<ArtifactView>();
        while (await reader.ReadAsync(cancellationToken))
        {
            artifacts.Add(new ArtifactView(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetInt64(4), reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return artifacts;
    }

    private static async Task<StoredArtifact?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new StoredArtifact(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), reader.GetFieldValue<byte[]>(6))
            : null;
    }

    private static void AddParameters(
        NpgsqlParameterCollection parameters, Guid id, Guid sessionId, string owner, NewArtifact artifact, Stream content, DateTimeOffset now)
    {
        parameters.AddWithValue("id", id);
        parameters.AddWithValue("session", sessionId);
        parameters.AddWithValue("owner", owner);
        parameters.AddWithValue("kind", artifact.Kind);
        parameters.AddWithValue("role", artifact.Role);
        parameters.AddWithValue("type", artifact.ContentType);
        parameters.AddWithValue("size", content.Length);
        // A Stream parameter is sent to the server as it is read.
        parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = content, Size = checked((int)content.Length) });
        parameters.AddWithValue("now", now);
    }
}
