using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>
/// The whole topology with test-friendly settings: short queue timeouts and retry delays, a 20 s audio limit, a
/// StableAvatar stand-in that renders in milliseconds, and clients for the API, the stand-ins' admin APIs, the
/// database and Redis.
/// </summary>
public sealed class PipelineFixture(IMessageSink diagnostics) : IAsyncLifetime
{
    public const int MaxAttempts = 3;
    public const int ConversationIdleSeconds = 6;
    public const int ConversationMaxSeconds = 30;

    public TestLogs Logs { get; } = new(diagnostics);

    public DeckardTestApp Topology { get; private set; } = null!;

    public SessionsClient Sessions { get; private set; } = null!;

    public OpenAIMockAdmin OpenAI { get; private set; } = null!;

    public NpgsqlDataSource Database { get; private set; } = null!;

    public IConnectionMultiplexer Redis { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        Topology = await DeckardTestApp.StartAsync(
            Logs,
            // Renders in milliseconds; the workers' ETA follows the same scale through the StableAvatar reference.
            new Dictionary<string, string> { ["RunPodMock:CostModel:TimeScale"] = "0.001" },
            builder =>
            {
                foreach (var name in new[] { "api", "workers" })
                {
                    Project(builder, name)
                        .WithEnvironment("Queue__VisibilityTimeout", "00:00:03")
                        .WithEnvironment("Queue__RetryBaseDelay", "00:00:00.200")
                        .WithEnvironment("Queue__RetryMaxDelay", "00:00:01")
                        .WithEnvironment("Queue__MaxAttempts", MaxAttempts.ToString(CultureInfo.InvariantCulture))
                        .WithEnvironment("Queue__PollInterval", "00:00:00.250")
                        .WithEnvironment("Queue__RelaySweepInterval", "00:00:00.200");
                }

                // Conversations idle out after 6 s and last at most 30 s, so their ends are tested in seconds.
                Project(builder, "api")
                    .WithEnvironment("Uploads__MaxAudioDuration", "00:00:20")
                    .WithEnvironment("Conversation__IdleTimeout", TimeSpan.FromSeconds(ConversationIdleSeconds).ToString("c", CultureInfo.InvariantCulture))
                    .WithEnvironment("Conversation__MaxDuration", TimeSpan.FromSeconds(ConversationMaxSeconds).ToString("c", CultureInfo.InvariantCulture))
                    .WithEnvironment("Conversation__Heartbeat", "00:00:01")
                    // A loaded CI machine may be slow to send the barge-in's truncate; the default is 0.5 s.
                    .WithEnvironment("Conversation__PlaybackGrace", "00:00:02");
                // The workers' StableAvatar client at the stand-in's pace: a silent stream is dead after 2 s, safe retries
                // come quickly, and the circuit stays closed across tests that fail renders on purpose.
                Project(builder, "workers")
                    .WithEnvironment("StableAvatar__IdleTimeout", "00:00:02")
                    .WithEnvironment("StableAvatar__RetryBaseDelay", "00:00:00.100")
                    .WithEnvironment("StableAvatar__RetryMaxDelay", "00:00:00.500")
                    .WithEnvironment("StableAvatar__CircuitBreakerFailures", "100");
                // Heartbeats every 200 ms: the client's watchdog and budget are exercised in seconds.
                Project(builder, "runpod-mock").WithEnvironment("RunPodMock__HeartbeatSeconds", "0.2");
            });

        Sessions = new SessionsClient(Topology.CreateHttpClient("api"));
        OpenAI = new OpenAIMockAdmin(Topology.CreateHttpClient("openai-mock"));
        Database = NpgsqlDataSource.Create(await Topology.ConnectionStringAsync("deckard"));
        Redis = await ConnectionMultiplexer.ConnectAsync(await Topology.ConnectionStringAsync("redis") + ",abortConnect=false");
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

        if (Topology is not null)
        {
            await Topology.DisposeAsync();
        }
    }

    public static IResourceBuilder<ProjectResource> Project(IDistributedApplicationBuilder builder, string name) =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(project => project.Name == name));

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
