using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.Testing;

namespace Deckard.Benchmarks;

/// <summary>
/// The Api's Realtime proxy against the same OpenAI stand-in reached directly, in the same run: the latency it adds
/// to each relayed frame (an <c>input_audio_buffer.clear</c> round trip relays two), the Api's memory per open
/// conversation, and how many concurrent conversations it relays before the added latency passes 5 ms.
/// </summary>
internal static class RealtimeBenchmark
{
    // Long enough for tiered JIT to settle on both sides (its tier-1 code arrives after a few thousand frames).
    private const int Warmup = 2000;
    private const int BlockSize = 100;
    private const double FrameTargetMs = 1;
    private const double MemoryTargetMiB = 2;
    private const double ConcurrencyLimitMs = 5;
    private static readonly int[] Levels = [1, 10, 25, 50, 100, 200];
    private static readonly TimeSpan LevelBlock = TimeSpan.FromSeconds(1);

    // The proxy's limits are for browsers: 100 events/s would drop a benchmark's back-to-back events, and a
    // conversation waiting its turn in the concurrency runs must not idle out. The ranges ConversationOptions allows.
    private static readonly Dictionary<string, string> ApiEnvironment = new()
    {
        ["Conversation__EventsPerSecond"] = "10000",
        ["Conversation__EventBurst"] = "100000",
        ["Conversation__IdleTimeout"] = "00:10:00",
    };

    public static async Task RunAsync(int roundTrips, int conversations)
    {
        int[] levels = [.. Levels.Where(level => level < conversations), conversations];
        Console.WriteLine($"Realtime benchmark: {roundTrips} sequential round trips each way, {conversations} open conversations, " +
                          $"{string.Join("/", levels)} concurrent");
        Console.WriteLine($"  the api runs with {string.Join(", ", ApiEnvironment.Select(pair => $"{pair.Key}={pair.Value}"))} (defaults 100, 200, 2 min)");
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(15));
        var cancellationToken = deadline.Token;
        await using var app = await BenchmarkTopology.StartAsync(new Dictionary<string, string> { ["Resources:workers:Replicas"] = "1" }, ApiEnvironment);
        using var api = app.CreateHttpClient("api");
        var standIn = app.App.GetEndpoint("openai-mock", "http");
        var sessions = await StartConversationsAsync(api, conversations + 1, cancellationToken);

        List<double> direct, proxied;
        var unclosed = 0;
        var one = await RealtimeSocket.DirectAsync(standIn, cancellationToken);
        var relayed = await RealtimeSocket.ProxiedAsync(api.BaseAddress!, app.DevelopmentApiKey, sessions[0], cancellationToken);
        try
        {
            (direct, proxied) = await SequentialAsync(one, relayed, roundTrips, cancellationToken);
        }
        finally
        {
            unclosed += (await Task.WhenAll(one.CloseAsync(), relayed.CloseAsync())).Count(closed => !closed);
        }

        var open = new List<RealtimeSocket>();
        var directs = new List<RealtimeSocket>();
        var results = new List<(int Conversations, List<double> Direct, List<double> Proxied)>();
        double kibPerConversation;
        try
        {
            kibPerConversation = await OpenConversationsAsync(app, api.BaseAddress!, sessions.Skip(1).ToList(), open, cancellationToken);
            for (var index = 0; index < conversations; index++)
            {
                directs.Add(await RealtimeSocket.DirectAsync(standIn, cancellationToken));
            }

            foreach (var level in levels)
            {
                var (levelDirect, levelProxied) = await ConcurrentAsync(directs.Take(level).ToList(), open.Take(level).ToList(), cancellationToken);
                results.Add((level, levelDirect, levelProxied));
            }
        }
        finally
        {
            unclosed += (await Task.WhenAll(open.Concat(directs).Select(socket => socket.CloseAsync()))).Count(closed => !closed);
        }

        Console.WriteLine();
        Console.WriteLine($"{"measure",-62} {"p50",10} {"p99",10}");
        Row("direct to the stand-in: clear -> cleared round trip (ms)", Percentiles.Of(direct, 50), Percentiles.Of(direct, 99));
        Row("through the Api's proxy: the same round trip (ms)", Percentiles.Of(proxied, 50), Percentiles.Of(proxied, 99));
        var addedP99 = Added(direct, proxied, 99);
        Row("added latency per relayed frame: (proxied - direct) / 2 (ms)", Added(direct, proxied, 50), addedP99, "0.000");
        Console.WriteLine($"  proxied p50 = {Percentiles.Of(proxied, 50) / Percentiles.Of(direct, 50):0.00}x direct; " +
                          $"target < {FrameTargetMs:0} ms per frame at p99: {(addedP99 < FrameTargetMs ? "met" : "missed")}");
        Console.WriteLine($"{$"Api memory per open conversation, {conversations} open (MiB)",-62} {kibPerConversation / 1024,10:0.000}");
        Console.WriteLine($"{"  the same (KiB)",-62} {kibPerConversation,10:0}");
        Console.WriteLine($"  target < {MemoryTargetMiB:0} MiB per conversation: {(kibPerConversation / 1024 < MemoryTargetMiB ? "met" : "missed")}");
        foreach (var (level, levelDirect, levelProxied) in results)
        {
            Console.WriteLine($"{level} concurrent conversation{(level == 1 ? "" : "s")}, {levelProxied.Count} proxied and {levelDirect.Count} direct round trips:");
            Row("  direct round trip (ms)", Percentiles.Of(levelDirect, 50), Percentiles.Of(levelDirect, 99));
            Row("  proxied round trip (ms)", Percentiles.Of(levelProxied, 50), Percentiles.Of(levelProxied, 99));
            Row("  added latency per relayed frame (ms)", Added(levelDirect, levelProxied, 50), Added(levelDirect, levelProxied, 99), "0.000");
        }

        // The last level before the first whose added latency passes the limit at p50 or p99: under saturation the
        // difference of two tails can even turn negative, so the median has to stay under the limit too.
        var holds = results.TakeWhile(result => Math.Max(Added(result.Direct, result.Proxied, 50), Added(result.Direct, result.Proxied, 99)) < ConcurrencyLimitMs)
            .Select(result => result.Conversations).DefaultIfEmpty(0).Last();
        Console.WriteLine(holds switch
        {
            0 => $"  added latency passes {ConcurrencyLimitMs:0} ms per frame (p50 or p99) already at {results[0].Conversations} concurrent",
            var held when held == levels[^1] => $"  holds all {held} conversations measured with added latency under {ConcurrencyLimitMs:0} ms per frame (p50 and p99)",
            var held => $"  holds {held} conversations before added latency passes {ConcurrencyLimitMs:0} ms per frame (p50 or p99)",
        });
        if (unclosed > 0)
        {
            Console.WriteLine($"  note: {unclosed} socket(s) did not finish a normal close within 10 s");
        }
    }

    private static void Row(string label, double p50, double p99, string format = "0.00") => FigureTable.Row(label, p50, p99, 62, format);

    /// <summary>What the proxy adds to one frame: a round trip relays two (the client event up, the server event down).</summary>
    private static double Added(List<double> direct, List<double> proxied, double percentile) =>
        (Percentiles.Of(proxied, percentile) - Percentiles.Of(direct, percentile)) / 2;

    /// <summary>Conversation sessions, created as a front end does and waited for until each is live (status conversing).</summary>
    private static async Task<List<Guid>> StartConversationsAsync(HttpClient api, int count, CancellationToken cancellationToken)
    {
        using var concurrency = new SemaphoreSlim(32);
        var sessions = await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            await concurrency.WaitAsync(cancellationToken);
            try
            {
                using var content = new MultipartFormDataContent
                {
                    { new StringContent($"Let's chat about lighthouses, part {index}."), "prompt" },
                    { new StringContent("""{"intent":"conversation","lipsync":false}"""), "options" },
                };
                return await SessionApi.CreateAsync(api, content);
            }
            finally
            {
                concurrency.Release();
            }
        }));
        var pending = new HashSet<Guid>(sessions);
        while (pending.Count > 0)
        {
            foreach (var id in pending.ToList())
            {
                var session = await api.GetFromJsonAsync<JsonElement>(new Uri($"/api/sessions/{id}", UriKind.Relative), cancellationToken);
                var status = session.GetProperty("status").GetString();
                if (status == "conversing")
                {
                    pending.Remove(id);
                }
                else if (status is "completed" or "failed" or "cancelled")
                {
                    throw new InvalidOperationException($"Session {id} ended {status} before its conversation was live: {session}");
                }
            }

            await Task.Delay(pending.Count > 0 ? 100 : 0, cancellationToken);
        }

        return [.. sessions];
    }

    /// <summary>
    /// One connection each way, one round trip at a time, in alternating blocks so that whatever else the machine does
    /// falls on both; after a warm-up (JIT, the proxy's first frames).
    /// </summary>
    private static async Task<(List<double> Direct, List<double> Proxied)> SequentialAsync(
        RealtimeSocket direct, RealtimeSocket proxied, int roundTrips, CancellationToken cancellationToken)
    {
        for (var index = 0; index < Warmup; index++)
        {
            await direct.RoundTripAsync(cancellationToken);
            await proxied.RoundTripAsync(cancellationToken);
        }

        // The conversations just created were routed by the workers: let that work drain before measuring.
        await Task.Delay(TimeSpan.FromSeconds(3), cancellationToken);

        var directTimes = new List<double>(roundTrips);
        var proxiedTimes = new List<double>(roundTrips);
        while (directTimes.Count < roundTrips)
        {
            var block = Math.Min(BlockSize, roundTrips - directTimes.Count);
            for (var index = 0; index < block; index++)
            {
                directTimes.Add(await direct.RoundTripAsync(cancellationToken));
            }

            for (var index = 0; index < block; index++)
            {
                proxiedTimes.Add(await proxied.RoundTripAsync(cancellationToken));
            }
        }

        return (directTimes, proxiedTimes);
    }

    /// <summary>
    /// The Api's resident memory before and after opening a proxied socket on each live conversation, per conversation
    /// in KiB. The sessions were made (and the proxy used) before the first reading, so only the open sockets count.
    /// </summary>
    private static async Task<double> OpenConversationsAsync(
        BenchmarkTopology app, Uri api, List<Guid> sessions, List<RealtimeSocket> opened, CancellationToken cancellationToken)
    {
        var apiPid = await app.ApiProcessIdAsync();
        await Task.Delay(1000, cancellationToken);
        var before = ProcessMemory.ResidentMiB(apiPid);
        foreach (var id in sessions)
        {
            opened.Add(await RealtimeSocket.ProxiedAsync(api, app.DevelopmentApiKey, id, cancellationToken));
        }

        await Task.Delay(1000, cancellationToken);
        var after = ProcessMemory.ResidentMiB(apiPid);
        return (after - before) * 1024 / sessions.Count;
    }

    /// <summary>
    /// Every socket of a side doing round trips at once for a second, direct and proxied alternately, twice each;
    /// after a short warm-up of both.
    /// </summary>
    private static async Task<(List<double> Direct, List<double> Proxied)> ConcurrentAsync(
        List<RealtimeSocket> direct, List<RealtimeSocket> proxied, CancellationToken cancellationToken)
    {
        await RoundTripsForAsync(direct, LevelBlock / 4, cancellationToken);
        await RoundTripsForAsync(proxied, LevelBlock / 4, cancellationToken);
        var directTimes = new List<double>();
        var proxiedTimes = new List<double>();
        for (var block = 0; block < 2; block++)
        {
            directTimes.AddRange(await RoundTripsForAsync(direct, LevelBlock, cancellationToken));
            proxiedTimes.AddRange(await RoundTripsForAsync(proxied, LevelBlock, cancellationToken));
        }

        return (directTimes, proxiedTimes);
    }

    private static async Task<IEnumerable<double>> RoundTripsForAsync(List<RealtimeSocket> sockets, TimeSpan duration, CancellationToken cancellationToken)
    {
        var end = Stopwatch.GetTimestamp() + (long)(duration.TotalSeconds * Stopwatch.Frequency);
        var perSocket = await Task.WhenAll(sockets.Select(async socket =>
        {
            var times = new List<double>();
            while (Stopwatch.GetTimestamp() < end)
            {
                times.Add(await socket.RoundTripAsync(cancellationToken));
            }

            return times;
        }));
        return perSocket.SelectMany(times => times);
    }
}
