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

    public const string JwtIssuer = "https://idp.deckard.test/auth/v1";
    public const string JwtAudience = "authenticated";
    public const string JwtSigningKey = "a-test-identity-provider-secret-of-enough-length";
    public const string MediaSigningKey = "a-media-signing-key-the-tests-know";

    /// <summary>A principal allowed one request a minute: its second request, to any endpoint, is refused 429.</summary>
    public const string RateLimitedPrincipal = "limited";

    /// <summary>A principal whose daily budget is one token: any recorded spend exhausts it.</summary>
    public const string FrugalPrincipal = "frugal";

    /// <summary>A principal allowed one session and one live conversation at once.</summary>
    public const string SingleSessionPrincipal = "single";

    /// <summary>
    /// Every other principal (the development one, and the ones tests make) is effectively unlimited, so the load and
    /// fault tests measure the pipeline, not a quota; the named ones above each exercise one limit.
    /// </summary>
    private static readonly Dictionary<string, string> Quotas = new()
    {
        ["Quotas__RequestsPerMinute"] = "1000000",
        ["Quotas__SessionsPerMinute"] = "100000",
        ["Quotas__MaxActiveSessions"] = "100000",
        ["Quotas__MaxLiveConversations"] = "1000",
        ["Quotas__AnonymousRequestsPerMinute"] = "1000000",
        ["Quotas__DailyTokens"] = "1000000000000",
        ["Quotas__DailyGpuSeconds"] = "1000000000",
        [$"Quotas__Principals__{RateLimitedPrincipal}__RequestsPerMinute"] = "1",
        [$"Quotas__Principals__{FrugalPrincipal}__DailyTokens"] = "1",
        [$"Quotas__Principals__{SingleSessionPrincipal}__MaxActiveSessions"] = "1",
        [$"Quotas__Principals__{SingleSessionPrincipal}__MaxLiveConversations"] = "1",
        // JWTs from a test identity provider (HS256, as a Supabase project's legacy secret signs them).
        ["Auth__Jwt__Issuer"] = JwtIssuer,
        ["Auth__Jwt__Audience"] = JwtAudience,
        ["Auth__Jwt__SigningKey"] = JwtSigningKey,
        // A revoked key stops working within a second; media links are signed with a key the tests know.
        ["Auth__KeyCacheDuration"] = "00:00:01",
        ["Media__SigningKey"] = MediaSigningKey,
        // Media is read in the smallest slices allowed, so a few hundred kilobytes cross several slice boundaries.
        ["Media__ReadChunkBytes"] = "65536",
        // Retention keeps a day; the sweep runs every 2 s so a test sees it act.
        ["Retention__SessionMaxAge"] = "1.00:00:00",
        ["Retention__SweepInterval"] = "00:00:02",
    };

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
                        .WithEnvironment("Queue__RelaySweepInterval", "00:00:00.200")
                        .WithEnvironment("Queue__PublishGrace", "00:00:01");
                }

                // Conversations idle out after 6 s and last at most 30 s, so their ends are tested in seconds.
                var api = Project(builder, "api");
                foreach (var (name, value) in Quotas)
                {
                    api.WithEnvironment(name, value);
                }

                api
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

    /// <summary>
    /// Rows and queue entries that a rejected upload must not leave behind, counted once the pipeline is quiet: a session
    /// an earlier test left running would otherwise add its artifacts between two counts.
    /// </summary>
    public async Task<(long Sessions, long Artifacts, long Outbox, long Stream)> CountStoredAsync()
    {
        await WaitForQuietAsync();
        await using var command = Database.CreateCommand(
            "SELECT (SELECT count(*) FROM sessions), (SELECT count(*) FROM artifacts), (SELECT count(*) FROM outbox)");
        await using var reader = await command.ExecuteReaderAsync();
        await reader.ReadAsync();
        var stream = await Redis.GetDatabase().StreamLengthAsync("deckard:steps");
        return (reader.GetInt64(0), reader.GetInt64(1), reader.GetInt64(2), stream);
    }

    /// <summary>A new API key for <paramref name="principal"/>, made the way <c>Deckard.Api keys create</c> makes one.</summary>
    public async Task<string> CreateApiKeyAsync(string principal) =>
        (await new Deckard.Core.Identity.ApiKeyStore(Database, TimeProvider.System).CreateAsync(principal, "test", CancellationToken.None)).Key;

    /// <summary>A client of the api acting for <paramref name="principal"/> with a key of its own.</summary>
    public async Task<SessionsClient> ClientForAsync(string principal) => new(Topology.CreateApiClient(await CreateApiKeyAsync(principal)));

    /// <summary>Waits (up to 30 s) until no session is queued or running and the outbox has nothing left to publish.</summary>
    public async Task WaitForQuietAsync()
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (DateTime.UtcNow < deadline && await ScalarAsync<long>("""
            SELECT (SELECT count(*) FROM sessions WHERE status IN ('queued', 'running'))
                 + (SELECT count(*) FROM outbox WHERE sent_at IS NULL)
            """) > 0)
        {
            await Task.Delay(100);
        }
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
