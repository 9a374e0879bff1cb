using System.Diagnostics;
using Deckard.Core.Storage;
using Deckard.DistributedTests.Infrastructure;
using Npgsql;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// Every Deckard process migrates the database when it starts, under an advisory lock: on a deployment where the Api
/// and several Workers replicas start at once against a new database, exactly one applies each migration and the
/// others wait for it and find nothing left to do.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MigrationTests
{
    private const int Processes = 4;
    private readonly PipelineFixture _pipeline;
    private readonly ITestOutputHelper _output;

    public MigrationTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        _output = output;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public async Task Processes_starting_at_once_against_an_empty_database_apply_each_migration_once()
    {
        var name = $"deckard_migrate_{Guid.NewGuid():N}";
        await using (var create = _pipeline.Database.CreateCommand($"CREATE DATABASE {name}"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var connectionString = new NpgsqlConnectionStringBuilder(await _pipeline.Topology.ConnectionStringAsync("deckard")) { Database = name, Pooling = false }.ConnectionString;
        try
        {
            // The keys command migrates first, as the Api and the Workers do at start, without a web server.
            var runs = await Task.WhenAll(Enumerable.Range(0, Processes).Select(_ => RunKeysListAsync(connectionString)));

            foreach (var (exitCode, output) in runs)
            {
                _output.WriteLine(output);
                Assert.Equal(0, exitCode);
            }

            await using var database = NpgsqlDataSource.Create(connectionString);
            await using var applied = database.CreateCommand("SELECT version FROM schema_migrations ORDER BY version");
            var versions = new List<int>();
            await using (var reader = await applied.ExecuteReaderAsync())
            {
                while (await reader.ReadAsync())
                {
                    versions.Add(reader.GetInt32(0));
                }
            }

            Assert.Equal(DatabaseMigrator.Migrations.Select(migration => migration.Version), versions);
            await using var tables = database.CreateCommand("SELECT count(*) FROM information_schema.tables WHERE table_name IN ('sessions', 'events', 'artifacts', 'api_keys')");
            Assert.Equal(4L, await tables.ExecuteScalarAsync());
        }
        finally
        {
            NpgsqlConnection.ClearAllPools();
            await using var drop = _pipeline.Database.CreateCommand($"DROP DATABASE IF EXISTS {name} WITH (FORCE)");
            await drop.ExecuteNonQueryAsync();
        }
    }

    private static async Task<(int ExitCode, string Output)> RunKeysListAsync(string connectionString)
    {
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var api = Path.Combine(Path.GetDirectoryName(new Projects.Deckard_Api().ProjectPath)!, "bin", configuration, "net10.0", "Deckard.Api.dll");
        var start = new ProcessStartInfo(Environment.ProcessPath!, [api, "keys", "list"]) { RedirectStandardOutput = true, RedirectStandardError = true };
        start.Environment["ConnectionStrings__deckard"] = connectionString;
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await errors);
    }
}
