using Npgsql;

namespace Deckard.Hosting.Health;

/// <summary>
/// Opens a connection and runs <c>SELECT 1</c>. For a server the AppHost runs, it first creates the application's
/// database (once; "already exists" is fine), so the resource is healthy only when its connection string works.
/// </summary>
public sealed class PostgresHealthProbe(string probeConnectionString, string? databaseToCreate) : IHealthProbe
{
    private readonly string _connectionString = new NpgsqlConnectionStringBuilder(probeConnectionString)
    {
        Pooling = false,
        Timeout = 3,
    }.ConnectionString;

    private bool _databaseReady = databaseToCreate is null;

    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        try
        {
            await using var connection = new NpgsqlConnection(_connectionString);
            await connection.OpenAsync(cancellationToken);
            if (!_databaseReady)
            {
                await CreateDatabaseAsync(connection, databaseToCreate!, cancellationToken);
                _databaseReady = true;
            }

            await using var command = new NpgsqlCommand("SELECT 1", connection);
            await command.ExecuteScalarAsync(cancellationToken);
            return HealthProbeResult.Healthy;
        }
        catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException
                                              && !cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Unhealthy(exception.Message);
        }
    }

    private static async Task CreateDatabaseAsync(NpgsqlConnection connection, string database, CancellationToken cancellationToken)
    {
        var quoted = "\"" + database.Replace("\"", "\"\"", StringComparison.Ordinal) + "\"";
        await using var command = new NpgsqlCommand($"CREATE DATABASE {quoted}", connection);
        try
        {
            await command.ExecuteNonQueryAsync(cancellationToken);
        }
        catch (PostgresException exception) when (exception.SqlState == PostgresErrorCodes.DuplicateDatabase)
        {
            // Created by an earlier run.
        }
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
