using System.Data;
using Deckard.Core.Artifacts.Storage;
using Deckard.Core.Events;
using Npgsql;
using NpgsqlTypes;

namespace Deckard.Core.Artifacts;

/// <summary>
/// The one owner of the <c>artifacts</c> table and of where their bytes live: in the row (the default) or, with an
/// <see cref="IArtifactBlobStore"/>, in object storage under a key the row keeps. Bytes are streamed both ways, never
/// whole in memory for storing or serving; reads go by role within a session or by id.
/// </summary>
public sealed class ArtifactStore(NpgsqlDataSource dataSource, IArtifactBlobStore? blobs = null)
{
    private const string InsertSql = """
        INSERT INTO artifacts (id, session_id, owner, kind, role, content_type, size_bytes, data, storage_key, created_at)
        VALUES (@id, @session, @owner, @kind, @role, @type, @size, @data, @key, @now)
        ON CONFLICT (session_id, role) DO NOTHING
        """;

    /// <summary>The object store holding the bytes, or null when they stay in the rows.</summary>
    public IArtifactBlobStore? Blobs => blobs;

    /// <summary>
    /// Stores the artifact inside the caller's transaction and announces it with <c>artifact.created</c>; a role the
    /// session already has (a step that ran again) stores nothing and returns null.
    /// </summary>
    public async Task<ArtifactView?> InsertAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid sessionId, string owner, NewArtifact artifact, DateTimeOffset now,
        CancellationToken cancellationToken)
    {
        var id = Guid.CreateVersion7(now);
        await using var content = artifact.Content.OpenRead();
        var key = await PutAsync(sessionId, id, artifact.ContentType, content, cancellationToken);
        await using var insert = new NpgsqlCommand(InsertSql, connection, transaction);
        AddParameters(insert.Parameters, id, sessionId, owner, artifact, content, key, now);
        if (await insert.ExecuteNonQueryAsync(cancellationToken) == 0)
        {
            await DeleteObjectsAsync(key is null ? [] : [key], cancellationToken);
            return null;
        }

        await EventWriter.AppendAsync(connection, transaction, sessionId, EventTypes.ArtifactCreated,
            new ArtifactCreatedData(id, artifact.Kind, artifact.Role, artifact.ContentType, content.Length),
            now, cancellationToken);
        return new ArtifactView(id, artifact.Kind, artifact.Role, artifact.ContentType, content.Length, now);
    }

    /// <summary>
    /// The same insert as a batch command over an open stream (a new session's uploads share one round trip), with the
    /// bytes already in object storage when there is one: <paramref name="storedKeys"/> collects their keys, which the
    /// caller removes with <see cref="DeleteObjectsAsync"/> if its transaction does not commit.
    /// </summary>
    public async Task<NpgsqlBatchCommand> InsertCommandAsync(
        Guid id, Guid sessionId, string owner, NewArtifact artifact, Stream content, DateTimeOffset now, List<string> storedKeys,
        CancellationToken cancellationToken)
    {
        var key = await PutAsync(sessionId, id, artifact.ContentType, content, cancellationToken);
        if (key is not null)
        {
            storedKeys.Add(key);
        }

        var insert = new NpgsqlBatchCommand(InsertSql);
        AddParameters(insert.Parameters, id, sessionId, owner, artifact, content, key, now);
        return insert;
    }

    /// <summary>Removes stored objects whose rows are gone or were never committed; a failure leaves them as garbage, not as loss.</summary>
    public async Task DeleteObjectsAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        if (blobs is not null && keys.Count > 0)
        {
            await blobs.DeleteAsync(keys, cancellationToken);
        }
    }

    private async Task<string?> PutAsync(Guid sessionId, Guid id, string contentType, Stream content, CancellationToken cancellationToken)
    {
        if (blobs is null)
        {
            return null;
        }

        return await blobs.PutAsync(sessionId, id, content, content.Length, contentType, cancellationToken);
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

    /// <summary>An artifact's description and size, without its bytes: what serving it starts from.</summary>
    public async Task<ArtifactInfo?> ReadInfoAsync(Guid artifactId, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT id, session_id, owner, content_type, size_bytes, storage_key FROM artifacts WHERE id = @id");
        command.Parameters.AddWithValue("id", artifactId);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        return await reader.ReadAsync(cancellationToken)
            ? new ArtifactInfo(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetInt64(4),
                reader.IsDBNull(5) ? null : reader.GetString(5))
            : null;
    }

    /// <summary>
    /// Writes <paramref name="length"/> bytes of the artifact from <paramref name="offset"/> to <paramref name="destination"/>:
    /// from object storage as one ranged read, or from the row one slice of at most <paramref name="chunkBytes"/> per
    /// query, so memory stays at one slice whatever the artifact's size, and a connection is held per slice, not for as
    /// long as a slow client takes to read.
    /// </summary>
    /// <returns>False when the artifact was deleted meanwhile (what was written stays written).</returns>
    public async Task<bool> CopyRangeAsync(
        ArtifactInfo artifact, long offset, long length, Stream destination, int chunkBytes, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(offset);
        ArgumentOutOfRangeException.ThrowIfNegative(length);
        ArgumentOutOfRangeException.ThrowIfLessThan(chunkBytes, 1);
        if (artifact.StorageKey is { } key)
        {
            return await RequireBlobs().CopyRangeAsync(key, offset, length, destination, cancellationToken);
        }

        var artifactId = artifact.Id;
        for (var done = 0L; done < length;)
        {
            var slice = (int)Math.Min(chunkBytes, length - done);
            await using var command = dataSource.CreateCommand("SELECT substring(data FROM @from FOR @count) FROM artifacts WHERE id = @id");
            command.Parameters.AddWithValue("id", artifactId);
            // substring counts from 1.
            command.Parameters.AddWithValue("from", checked((int)(offset + done + 1)));
            command.Parameters.AddWithValue("count", slice);
            await using var reader = await command.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
            if (!await reader.ReadAsync(cancellationToken))
            {
                return false;
            }

            // Sequential access streams the value from the connection's buffer instead of materializing it.
            await using var bytes = await reader.GetStreamAsync(0, cancellationToken);
            await bytes.CopyToAsync(destination, cancellationToken);
            done += slice;
        }

        return true;
    }

    /// <summary>
    /// Streams an artifact's bytes after the first <paramref name="skip"/> to <paramref name="destination"/>, reading the
    /// row inside the caller's transaction (it may have stored the artifact itself).
    /// </summary>
    /// <returns>False when there is no such artifact.</returns>
    public async Task<bool> CopyToAsync(
        NpgsqlConnection connection, NpgsqlTransaction transaction, Guid artifactId, long skip, Stream destination, CancellationToken cancellationToken)
    {
        await using var read = new NpgsqlCommand("SELECT storage_key, size_bytes, data FROM artifacts WHERE id = @id", connection, transaction);
        read.Parameters.AddWithValue("id", artifactId);
        await using var reader = await read.ExecuteReaderAsync(CommandBehavior.SequentialAccess, cancellationToken);
        if (!await reader.ReadAsync(cancellationToken))
        {
            return false;
        }

        var key = await reader.IsDBNullAsync(0, cancellationToken) ? null : reader.GetString(0);
        var size = reader.GetInt64(1);
        if (key is not null)
        {
            return await RequireBlobs().CopyRangeAsync(key, Math.Min(skip, size), Math.Max(0, size - skip), destination, cancellationToken);
        }

        await using var data = await reader.GetStreamAsync(2, cancellationToken);
        await data.ReadExactlyAsync(new byte[Math.Min(skip, size)], cancellationToken);
        await data.CopyToAsync(destination, cancellationToken);
        return true;
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

    private const string Columns = "id, session_id, owner, kind, role, content_type, data, storage_key, size_bytes";

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

    /// <summary>One artifact with its bytes in memory: for the inputs steps send on (an upload, a portrait), not for serving.</summary>
    private async Task<StoredArtifact?> ReadOneAsync(NpgsqlCommand command, CancellationToken cancellationToken)
    {
        StoredArtifact artifact;
        string? key;
        long size;
        await using (var reader = await command.ExecuteReaderAsync(cancellationToken))
        {
            if (!await reader.ReadAsync(cancellationToken))
            {
                return null;
            }

            key = reader.IsDBNull(7) ? null : reader.GetString(7);
            size = reader.GetInt64(8);
            artifact = new StoredArtifact(reader.GetGuid(0), reader.GetGuid(1), reader.GetString(2), reader.GetString(3), reader.GetString(4),
                reader.GetString(5), key is null ? reader.GetFieldValue<byte[]>(6) : []);
        }

        if (key is null)
        {
            return artifact;
        }

        using var bytes = new MemoryStream(checked((int)size));
        return await RequireBlobs().CopyRangeAsync(key, 0, size, bytes, cancellationToken)
            ? artifact with { Data = bytes.ToArray() }
            : throw new InvalidOperationException($"Artifact {artifact.Id}'s object {key} is missing from the media store.");
    }

    private IArtifactBlobStore RequireBlobs() =>
        blobs ?? throw new InvalidOperationException("An artifact is in object storage but Media:Storage:Provider is not S3 in this process.");

    private static void AddParameters(
        NpgsqlParameterCollection parameters, Guid id, Guid sessionId, string owner, NewArtifact artifact, Stream content, string? key, DateTimeOffset now)
    {
        parameters.AddWithValue("id", id);
        parameters.AddWithValue("session", sessionId);
        parameters.AddWithValue("owner", owner);
        parameters.AddWithValue("kind", artifact.Kind);
        parameters.AddWithValue("role", artifact.Role);
        parameters.AddWithValue("type", artifact.ContentType);
        parameters.AddWithValue("size", content.Length);
        // A Stream parameter is sent to the server as it is read; bytes in object storage leave the column empty.
        parameters.Add(key is null
            ? new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = content, Size = checked((int)content.Length) }
            : new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = DBNull.Value });
        parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)key ?? DBNull.Value });
        parameters.AddWithValue("now", now);
    }
}
