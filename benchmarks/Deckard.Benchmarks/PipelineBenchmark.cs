using System.Diagnostics;
using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.Benchmarks;

/// <summary>
/// The session pipeline on this machine, against the real topology with a zero-latency OpenAI stand-in:
/// accepted → intent.classified latency, sustained sessions per second with 1 and 2 Workers replicas, SSE delivery
/// latency (event stored → client has it), and the Api's memory per 1,000 open SSE connections; beside the floors
/// measured in the same run (a raw Redis XADD→XREADGROUP round trip, a raw PostgreSQL insert). Its prompts are
/// conversation openers, a flow that queues no step after <c>classify</c> (the session goes live and waits for a
/// browser), so every figure is the routing pipeline's own; the <c>flows</c> benchmark measures the avatar and search
/// flows, and <c>realtime</c> the conversation proxy.
/// </summary>
internal static class PipelineBenchmark
{
    /// <summary>
    /// The pipeline's figures. <see cref="Overheads"/> is each session's accepted → intent.classified (stored, server
    /// clocks) minus the stand-in's own time on that session's routing call (its journal).
    /// </summary>
    public sealed record Figures(
        double RedisFloor, double PostgresFloor, double StandInFloor,
        List<double> Latencies, List<double> Stored, List<double> Overheads, List<double> Deliveries, List<double> QueueHops,
        List<double> ClaimToCall, List<double> CallToStored, double ThroughputOne, double ThroughputTwo, double KibPerConnection);

    public static async Task RunAsync(int sessions)
    {
        Console.WriteLine($"Pipeline benchmark: {sessions} sequential sessions for latency, {sessions * 3} for throughput, 1,000 SSE connections");
        var figures = await MeasureAsync(sessions);
        Console.WriteLine();
        Console.WriteLine($"{"measure",-58} {"p50",10} {"p99",10}");
        Row("floor: raw Redis XADD -> XREADGROUP round trip (ms)", figures.RedisFloor, double.NaN);
        Row("floor: raw PostgreSQL single-row insert (ms)", figures.PostgresFloor, double.NaN);
        Row("floor: the stand-in's routing Responses call (ms)", figures.StandInFloor, double.NaN);
        Row("accepted -> intent.classified stored (server clocks, ms)", Percentiles.Of(figures.Stored, 50), Percentiles.Of(figures.Stored, 99));
        Row("  overhead: that minus the stand-in's time on the call (ms)", Percentiles.Of(figures.Overheads, 50), Percentiles.Of(figures.Overheads, 99));
        Row("  of which queue hop: session.created -> step.started (ms)", Percentiles.Of(figures.QueueHops, 50), Percentiles.Of(figures.QueueHops, 99));
        Row("  of which the claim until the model call arrives (ms)", Percentiles.Of(figures.ClaimToCall, 50), Percentiles.Of(figures.ClaimToCall, 99));
        Row("  of which the model's last byte -> result stored (ms)", Percentiles.Of(figures.CallToStored, 50), Percentiles.Of(figures.CallToStored, 99));
        Row("accepted (202) -> intent.classified at the client (ms)", Percentiles.Of(figures.Latencies, 50), Percentiles.Of(figures.Latencies, 99));
        Row($"SSE delivery: event stored -> client has it ({figures.Deliveries.Count} events, ms)", Percentiles.Of(figures.Deliveries, 50), Percentiles.Of(figures.Deliveries, 99));
        Console.WriteLine($"  overhead p50 = {Percentiles.Of(figures.Overheads, 50) / figures.RedisFloor:0}x the Redis floor, {Percentiles.Of(figures.Overheads, 50) / figures.PostgresFloor:0}x the Postgres floor");
        Console.WriteLine($"{"sessions per second, 1 Workers replica",-58} {figures.ThroughputOne,10:0.0}");
        Console.WriteLine($"{"sessions per second, 2 Workers replicas",-58} {figures.ThroughputTwo,10:0.0}   ({figures.ThroughputTwo / figures.ThroughputOne:0.00}x)");
        Console.WriteLine($"{"Api memory per 1,000 open SSE connections (MiB)",-58} {figures.KibPerConnection * 1000 / 1024,10:0.0}");
    }

    public static async Task<Figures> MeasureAsync(int sessions)
    {
        double redisFloor, postgresFloor, standInFloor;
        List<double> latencies, stored, overheads, deliveries, queueHops, claimToCall, callToStored;
        double throughputOne, throughputTwo, kibPerConnection;
        await using (var app = await StartAsync(replicas: 1))
        {
            redisFloor = await RedisRoundTripAsync(await app.ConnectionStringAsync("redis"));
            postgresFloor = await PostgresInsertAsync(await app.ConnectionStringAsync("deckard"));
            standInFloor = await StandInResponseAsync(app);
            (latencies, stored, overheads, deliveries, queueHops, claimToCall, callToStored) = await LatencyAsync(app, sessions);
            throughputOne = await ThroughputAsync(app, sessions * 3);
            kibPerConnection = await SseMemoryAsync(app, 1000);
        }

        await using (var app = await StartAsync(replicas: 2))
        {
            throughputTwo = await ThroughputAsync(app, sessions * 3);
        }

        return new Figures(redisFloor, postgresFloor, standInFloor, latencies, stored, overheads, deliveries, queueHops,
            claimToCall, callToStored, throughputOne, throughputTwo, kibPerConnection);
    }

    private static void Row(string label, double p50, double p99) => FigureTable.Row(label, p50, p99, 58);

    private static Task<BenchmarkTopology> StartAsync(int replicas) =>
        BenchmarkTopology.StartAsync(new Dictionary<string, string> { ["Resources:workers:Replicas"] = replicas.ToString(CultureInfo.InvariantCulture) });

    private static async Task<(List<double> Latencies, List<double> Stored, List<double> Overheads, List<double> Deliveries, List<double> QueueHops,
        List<double> ClaimToCall, List<double> CallToStored)> LatencyAsync(
        BenchmarkTopology app, int count)
    {
        using var api = app.CreateHttpClient("api");
        using var standIn = app.CreateHttpClient("openai-mock");
        var journal = new StandInJournal(standIn);
        await journal.SkipPastAsync();
        var latencies = new List<double>();
        var stored = new List<double>();
        var overheads = new List<double>();
        var claimToCall = new List<double>();
        var callToStored = new List<double>();
        var deliveries = new List<double>();
        var queueHops = new List<double>();
        for (var index = 0; index < count + 5; index++)
        {
            var id = await SessionApi.CreateWithPromptAsync(api, $"Let's chat about Portugal, part {index}.");
            var acceptedAt = DateTimeOffset.UtcNow;
            var (connectedAt, events) = await SessionApi.FollowAsync(api, id);
            var routing = await journal.CallsSinceLastReadAsync();
            if (index >= 5)
            {
                // The pipeline's own part: from the stored session.created to the stored intent.classified.
                var created = events.Single(e => e.Type == "session.created").CreatedAt;
                var classified = (events.Single(e => e.Type == "intent.classified").CreatedAt - created).TotalMilliseconds;
                stored.Add(classified);
                overheads.Add(classified - routing.Milliseconds);
                // Where the rest goes: before the call (the claim, the step's set-up, the HTTP client) and after it.
                var claimed = events.First(e => e.Type == "step.started").CreatedAt;
                claimToCall.Add((routing.FirstReceived!.Value - claimed).TotalMilliseconds);
                callToStored.Add((events.Single(e => e.Type == "intent.classified").CreatedAt - routing.LastFinished!.Value).TotalMilliseconds);
                queueHops.Add((events.First(e => e.Type == "step.started").CreatedAt - created).TotalMilliseconds);
            }

            foreach (var (type, _, createdAt, receivedAt) in events)
            {
                // Push latency: only events stored after the stream was open (earlier ones come from its catch-up read).
                if (createdAt > connectedAt && index >= 5)
                {
                    deliveries.Add((receivedAt - createdAt).TotalMilliseconds);
                }

                if (type == "intent.classified" && index >= 5)
                {
                    // The first five warm up connections and JIT.
                    latencies.Add((receivedAt - acceptedAt).TotalMilliseconds);
                }
            }
        }

        return (latencies, stored, overheads, deliveries, queueHops, claimToCall, callToStored);
    }

    private static async Task<double> ThroughputAsync(BenchmarkTopology app, int count)
    {
        using var api = app.CreateHttpClient("api");
        await using var database = NpgsqlDataSource.Create(await app.ConnectionStringAsync("deckard"));
        using var concurrency = new SemaphoreSlim(32);
        var ids = await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            await concurrency.WaitAsync();
            try
            {
                return await SessionApi.CreateWithPromptAsync(api, $"Let's talk about mountains, part {index}.");
            }
            finally
            {
                concurrency.Release();
            }
        }));
        // Through classify: what every routed session pays before its flow's own steps.
        await using var command = database.CreateCommand("""
            SELECT count(*) FILTER (WHERE steps.state = 'completed'), EXTRACT(EPOCH FROM max(steps.finished_at) - min(sessions.created_at))
            FROM steps JOIN sessions ON sessions.id = steps.session_id
            WHERE steps.session_id = ANY(@ids) AND steps.name = 'classify'
            """);
        command.Parameters.AddWithValue("ids", ids);
        while (true)
        {
            await using var reader = await command.ExecuteReaderAsync();
            await reader.ReadAsync();
            if (reader.GetInt64(0) == count)
            {
                return count / (double)reader.GetDecimal(1);
            }

            await Task.Delay(50);
        }
    }

    private static async Task<double> SseMemoryAsync(BenchmarkTopology app, int connections)
    {
        using var api = app.CreateHttpClient("api");
        using var admin = app.CreateHttpClient("openai-mock");
        // Ten sessions whose router call takes two minutes: their event streams stay open.
        (await admin.PostAsJsonAsync(new Uri("/admin/scripts/responses", UriKind.Relative), new { latency_ms = 120_000, times = 10 })).EnsureSuccessStatusCode();
        var sessions = new List<Guid>();
        for (var index = 0; index < 10; index++)
        {
            sessions.Add(await SessionApi.CreateWithPromptAsync(api, $"Long question {index}?"));
        }

        var apiPid = await app.ApiProcessIdAsync();
        await Task.Delay(1000);
        var before = ProcessMemory.ResidentMiB(apiPid);
        using var handler = new SocketsHttpHandler { MaxConnectionsPerServer = int.MaxValue };
        using var client = new HttpClient(handler) { BaseAddress = api.BaseAddress, Timeout = Timeout.InfiniteTimeSpan };
        var streams = new List<(HttpResponseMessage Response, Stream Body)>();
        for (var index = 0; index < connections; index++)
        {
            var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/sessions/{sessions[index % sessions.Count]}/events", UriKind.Relative));
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            var body = await response.Content.ReadAsStreamAsync();
            var buffer = new byte[256];
            _ = await body.ReadAsync(buffer);
            streams.Add((response, body));
        }

        await Task.Delay(1000);
        var after = ProcessMemory.ResidentMiB(apiPid);
        foreach (var (response, body) in streams)
        {
            await body.DisposeAsync();
            response.Dispose();
        }

        foreach (var id in sessions)
        {
            await api.PostAsync(new Uri($"/api/sessions/{id}/cancel", UriKind.Relative), null);
        }

        return (after - before) * 1024 / connections;
    }

    private static async Task<double> RedisRoundTripAsync(string connectionString)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        var database = redis.GetDatabase();
        await database.StreamCreateConsumerGroupAsync("bench:floor", "bench", "0-0", createStream: true);
        var samples = new List<double>();
        for (var index = 0; index < 520; index++)
        {
            var stopwatch = Stopwatch.StartNew();
            await database.StreamAddAsync("bench:floor", "n", index);
            var entries = await database.StreamReadGroupAsync("bench:floor", "bench", "c", ">", 1);
            await database.StreamAcknowledgeAsync("bench:floor", "bench", entries[0].Id);
            if (index >= 20)
            {
                samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        await database.KeyDeleteAsync("bench:floor");
        return Percentiles.Of(samples, 50);
    }

    private static async Task<double> PostgresInsertAsync(string connectionString)
    {
        await using var database = NpgsqlDataSource.Create(connectionString);
        await using (var create = database.CreateCommand("CREATE TABLE IF NOT EXISTS bench_floor (id bigserial PRIMARY KEY, body text)"))
        {
            await create.ExecuteNonQueryAsync();
        }

        var samples = new List<double>();
        for (var index = 0; index < 520; index++)
        {
            var stopwatch = Stopwatch.StartNew();
            await using var insert = database.CreateCommand("INSERT INTO bench_floor (body) VALUES (@body)");
            insert.Parameters.AddWithValue("body", "x");
            await insert.ExecuteNonQueryAsync();
            if (index >= 20)
            {
                samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        await using var drop = database.CreateCommand("DROP TABLE bench_floor");
        await drop.ExecuteNonQueryAsync();
        return Percentiles.Of(samples, 50);
    }

    /// <summary>What the classify step's model call costs by itself: the same kind of request, straight to the stand-in.</summary>
    private static async Task<double> StandInResponseAsync(BenchmarkTopology app)
    {
        using var openai = app.CreateHttpClient("openai-mock");
        openai.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", Deckard.AppHost.Resources.OpenAIResourceExtensions.StandInKey);
        var request = new
        {
            model = "gpt-5-mini",
            input = "What is the capital of Portugal?",
            tool_choice = "required",
            tools = new[]
            {
                new { type = "function", name = "answer_with_web_search", description = "Answer with web search.", parameters = new { type = "object", properties = new { query = new { type = "string" } }, required = new[] { "query" } } },
            },
        };
        var samples = new List<double>();
        for (var index = 0; index < 120; index++)
        {
            var stopwatch = Stopwatch.StartNew();
            using var response = await openai.PostAsJsonAsync(new Uri("/v1/responses", UriKind.Relative), request);
            response.EnsureSuccessStatusCode();
            _ = await response.Content.ReadAsByteArrayAsync();
            if (index >= 20)
            {
                samples.Add(stopwatch.Elapsed.TotalMilliseconds);
            }
        }

        return Percentiles.Of(samples, 50);
    }
}
