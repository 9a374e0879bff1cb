using Npgsql;

namespace Deckard.Core.Identity;

/// <summary>The <c>api_keys</c> table: create (the key is returned once), find by hash, list and revoke.</summary>
public sealed class ApiKeyStore(NpgsqlDataSource dataSource, TimeProvider timeProvider)
{
    public async Task<CreatedApiKey> CreateAsync(string principal, string name, CancellationToken cancellationToken)
    {
        if (!Principals.IsValid(principal))
        {
            throw new ArgumentException(
                "A principal is 1-128 characters: letters, digits and . _ @ : - (starting with a letter or digit).", nameof(principal));
        }

        var (key, prefix) = ApiKeyFormat.Generate();
        var id = Guid.CreateVersion7();
        var now = timeProvider.GetUtcNow();
        await using var command = dataSource.CreateCommand("""
            INSERT INTO api_keys (id, principal, name, prefix, key_hash, created_at) VALUES (@id, @principal, @name, @prefix, @hash, @now)
            """);
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("principal", principal);
        command.Parameters.AddWithValue("name", name);
        command.Parameters.AddWithValue("prefix", prefix);
        command.Parameters.AddWithValue("hash", ApiKeyFormat.Hash(key));
        command.Parameters.AddWithValue("now", now);
        await command.ExecuteNonQueryAsync(cancellationToken);
        return new CreatedApiKey(new ApiKeyInfo(id, principal, name, prefix, now, null), key);
    }

    /// <summary>The principal of an active key, or null for an unknown or revoked one.</summary>
    public async Task<string?> FindPrincipalAsync(string key, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("SELECT principal FROM api_keys WHERE key_hash = @hash AND revoked_at IS NULL");
        command.Parameters.AddWithValue("hash", ApiKeyFormat.Hash(key));
        return await command.ExecuteScalarAsync(cancellationToken) as string;
    }

    public async Task<IReadOnlyList<ApiKeyInfo>> ListAsync(string? principal, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("""
            SELECT id, principal, name, prefix, created_at, revoked_at FROM api_keys
            WHERE @principal::text IS NULL OR principal = @principal ORDER BY created_at, id
            """);
        command.Parameters.AddWithValue("principal", NpgsqlTypes.NpgsqlDbType.Text, (object?)principal ?? DBNull.Value);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        var keys = new List<ApiKeyInfo>();
        while (await reader.ReadAsync(cancellationToken))
        {
            keys.Add(new ApiKeyInfo(reader.GetGuid(0), reader.GetString(1), reader.GetString(2), reader.GetString(3),
                reader.GetFieldValue<DateTimeOffset>(4), reader.IsDBNull(5) ? null : reader.GetFieldValue<DateTimeOffset>(5)));
        }

        return keys;
    }

    /// <returns>False when no active key has this id (unknown, or revoked already).</returns>
    public async Task<bool> RevokeAsync(Guid id, CancellationToken cancellationToken)
    {
        await using var command = dataSource.CreateCommand("UPDATE api_keys SET revoked_at = @now WHERE id = @id AND revoked_at IS NULL");
        command.Parameters.AddWithValue("id", id);
        command.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
        return await command.ExecuteNonQueryAsync(cancellationToken) == 1;
    }
}

/// <summary>What a listing shows of a key: never the key, only its public prefix.</summary>
public sealed record ApiKeyInfo(Guid Id, string Principal, string Name, string Prefix, DateTimeOffset CreatedAt, DateTimeOffset? RevokedAt);

/// <param name="Key">The key itself: shown to its owner once, stored nowhere.</param>
public sealed record CreatedApiKey(ApiKeyInfo Info, string Key);
