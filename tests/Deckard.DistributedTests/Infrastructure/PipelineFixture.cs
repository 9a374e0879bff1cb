using Deckard.Hosting;
using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Testing;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>
/// The whole topology with test-friendly settings: short queue timeouts and retry delays, a 20 s audio limit, and
/// a client for the API, the OpenAI stand-in's admin API, the database and Redis.
/// </summary>
public sealed class PipelineFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public const int MaxAttempts = 3;

    public TestOutputLogSink Logs { get; } = new(diagnostics);

    public DeckardApplication App { get; private set; } = null!;

    public SessionsClient Sessions { get; private set; } = null!;

    public OpenAIMockAdmin OpenAI { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        App = await DeckardTestingBuilder.BuildAsync<Program>(new DeckardTestingOptions { LogSink = Logs });
        var queue = new Dictionary<string, string>
        {
            ["Queue__VisibilityTimeout"] = "00:00:03",
            ["Queue__RetryBaseDelay"] = "00:00:00.200",
            ["Queue__RetryMaxDelay"] = "00:00:01",
            ["Queue__MaxAttempts"] = MaxAttempts.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["Queue__PollInterval"] = "00:00:00.250",
            ["Queue__RelaySweepInterval"] = "00:00:00.200",
        };
        foreach (var project in App.Resources.OfType<ProjectResource>().Where(p => p.Name is "api" or "workers"))
        {
            foreach (var (key, value) in queue)
            {
                project.Environment[key] = value;
            }
        }

        App.Resources.OfType<ProjectResource>().Single(p => p.Name == "api").Environment["Uploads__MaxAudioDuration"] = "00:00:20";
        // The workers' StableAvatar client at the stand-in's pace: a silent stream is dead after 2 s, safe retries
        // come quickly, and the circuit stays closed across tests that fail renders on purpose.
        var workers = App.Resources.OfType<ProjectResource>().Single(p => p.Name == "workers");
        workers.Environment["StableAvatar__IdleTimeout"] = "00:00:02";
        workers.Environment["StableAvatar__RetryBaseDelay"] = "00:00:00.100";
        workers.Environment["StableAvatar__RetryMaxDelay"] = "00:00:00.500";
        workers.Environment["StableAvatar__CircuitBreakerFailures"] = "100";
        workers.Environment["StableAvatar__Cost__Scale"] = "0.001";
        // Renders in milliseconds, heartbeats every 200 ms: the client's watchdog and budget are exercised in seconds.
        var runpod = App.Resources.OfType<ProjectResource>().Single(p => p.Name == "runpod-mock");
        runpod.Environment["RunPodMock__CostModel__TimeScale"] = "0.001";
        runpod.Environment["RunPodMock__HeartbeatSeconds"] = "0.2";
        await App.StartAsync();
        await App.WaitForAllHealthyAsync().WaitAsync(TimeSpan.FromMinutes(2));

        Sessions = new SessionsClient(App.CreateHttpClient("api"));
        OpenAI = new OpenAIMockAdmin(App.CreateHttpClient("openai-mock"));
        Database = NpgsqlDataSource.Create(App.GetConnectionString("postgres"));
        Redis = await ConnectionMultiplexer.ConnectAsync(App.GetConnectionString("redis") + ",abortConnect=false");
    }

    public async Task DisposeAsync()
    {
        if (Redis is not null)
        {
            await Redis.DisposeAsync();
        }

        if (Database is not null)
        {
            await Database.DisposeAsync();
        }

        if (App is not null)
        {
            await App.DisposeAsync();
        }
    }

    /// <summary>Rows and queue entries that a rejected upload must not leave behind.</summary>
    public async Task<(long Sessions, long Artifacts, long Outbox, long Stream)> CountStoredAsync()
    {
        await using var command = Database.CreateCommand(
            "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM artifacts), (SELECT count(*) FROM outbox)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var stream = await Redis.GetDatabase().StreamLengthAsync("deckard:steps");
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), stream);
    }

    public async Task<T> ScalarAsync<T>(string sql, params (string Name, object Value)[] parameters)
    {
        await using var command = Database.CreateCommand(sql);
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value);
        }

        return (T)(await command.ExecuteScalarAsync())!;
    }
}
