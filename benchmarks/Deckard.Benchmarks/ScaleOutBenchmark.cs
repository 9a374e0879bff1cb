using System.Globalization;

namespace Deckard.Benchmarks;

/// <summary>
/// Horizontal scaling on this machine, against the real topology with zero-latency stand-ins. For each layout (1 or 2
/// Api instances behind Aspire's proxy × 1, 2 or 4 Workers replicas) it pushes sessions through <c>classify</c>
/// (conversation openers: routing is the part every session pays) and reports throughput, latency, and the CPU each
/// process spent per session, beside the PostgreSQL write transactions and Redis commands each session cost. Then, on the
/// default layout, the same costs per session for each flow (avatar, search, lip-sync), which the capacity model in
/// docs/capacity.md turns into sessions per core.
/// </summary>
internal static class ScaleOutBenchmark
{
    private const int Concurrency = 32;
    private const int OfferedRate = 50;
    private const int FlowConcurrency = 4;
    private static readonly (int Apis, int Workers)[] Layouts = [(1, 1), (1, 2), (1, 4), (2, 1), (2, 2), (2, 4)];

    public static async Task RunAsync(int sessions, int flowSessions)
    {
        Console.WriteLine($"Scale-out benchmark on {Environment.ProcessorCount} cores: {sessions} sessions through classify per layout " +
            $"({Concurrency} at a time), then {flowSessions} sessions of each flow ({FlowConcurrency} at a time, lip-sync {LipsyncSessions(flowSessions)}) on 1 Api + 2 Workers");
        var layouts = new List<(int Apis, int Workers, Load Saturated, Load Offered)>();
        foreach (var (apis, workers) in Layouts)
        {
            await using var app = await StartAsync(apis, workers);
            await using var meter = await LoadMeter.CreateAsync(app);
            await RoutingLoadAsync(app, meter, 60, TimeSpan.Zero); // warm-up: JIT, pools and connections on every replica
            await meter.MeasureBackgroundAsync(TimeSpan.FromSeconds(2)); // the loads last seconds: the background barely counts
            var offered = await RoutingLoadAsync(app, meter, sessions / 2, TimeSpan.FromSeconds(1.0 / OfferedRate));
            var saturated = await RoutingLoadAsync(app, meter, sessions, TimeSpan.Zero);
            layouts.Add((apis, workers, saturated, offered));
            Console.WriteLine($"  {apis} Api + {workers} Workers: {saturated.PerSecond:0} sessions/s");
        }

        var flows = new List<(string Flow, Load Load)>();
        IReadOnlyDictionary<string, double> background;
        IReadOnlyList<(string Thread, double MillisecondsPerSecond)> backgroundThreads;
        var media = await LipsyncMedia.CreateAsync();
        await using (var app = await StartAsync(1, 2))
        {
            await using var meter = await LoadMeter.CreateAsync(app);
            using var api = app.CreateHttpClient("api");
            await FlowLoadAsync(meter, FlowConcurrency, 8, index => SessionForms.Prompt(api, $"Paint a portrait of me as a sailor, warm-up {index}", """{"lipsync":false}"""));
            await FlowLoadAsync(meter, FlowConcurrency, 8, index => SessionForms.Prompt(api, $"What is the population of warm-up city {index}?", """{"lipsync":false}"""));
            await FlowLoadAsync(meter, 2, 2, _ => SessionForms.Lipsync(api, media));
            await meter.MeasureBackgroundAsync(TimeSpan.FromSeconds(30));
            flows.Add(("avatar (text prompt, no lip-sync)", await FlowLoadAsync(meter, FlowConcurrency, flowSessions,
                index => SessionForms.Prompt(api, $"Paint a portrait of me as a sailor number {index}", """{"lipsync":false}"""))));
            flows.Add(("avatar (10 s spoken prompt: probe, transcription)", await FlowLoadAsync(meter, FlowConcurrency, flowSessions,
                _ => SessionForms.Voice(api, media.Speech, """{"intent":"avatar","lipsync":false}"""))));
            flows.Add(("search (text prompt, spoken answer, no lip-sync)", await FlowLoadAsync(meter, FlowConcurrency, flowSessions,
                index => SessionForms.Prompt(api, $"What is the population of city number {index}?", """{"lipsync":false}"""))));
            flows.Add(("lip-sync (portrait + 10 s speech, one pod)", await FlowLoadAsync(meter, 2, LipsyncSessions(flowSessions),
                _ => SessionForms.Lipsync(api, media))));
            background = meter.Background;
            backgroundThreads = meter.BackgroundThreads;
        }

        PrintLayouts(layouts);
        PrintFlows(flows, background, backgroundThreads);
    }

    private static int LipsyncSessions(int flowSessions) => Math.Max(4, flowSessions / 5);

    private static Task<BenchmarkTopology> StartAsync(int apis, int workers) =>
        BenchmarkTopology.StartAsync(new Dictionary<string, string>
        {
            ["Resources:api:Replicas"] = apis.ToString(CultureInfo.InvariantCulture),
            ["Resources:workers:Replicas"] = workers.ToString(CultureInfo.InvariantCulture),
            // Renders at 1/100 of the modelled GPU time: the pod's time is not what this measures.
            ["RunPodMock:CostModel:TimeScale"] = "0.01",
        });

    /// <summary>Conversation openers through <c>classify</c>, <see cref="Concurrency"/> at a time, one per <paramref name="pace"/> at most.</summary>
    private static async Task<Load> RoutingLoadAsync(BenchmarkTopology app, LoadMeter meter, int count, TimeSpan pace)
    {
        using var api = app.CreateHttpClient("api");
        var run = Guid.NewGuid().ToString("N")[..8];
        return await meter.MeasureAsync(Concurrency, count,
            index => SessionForms.Prompt(api, $"Let's talk about mountains, run {run} part {index}.", null),
            ids => meter.WhenClassifiedAsync(ids), pace);
    }

    private static Task<Load> FlowLoadAsync(LoadMeter meter, int concurrency, int count, Func<int, Task<(Guid Id, double Milliseconds)>> create) =>
        meter.MeasureAsync(concurrency, count, create, ids => meter.WhenFinishedAsync(ids));

    private static void PrintLayouts(List<(int Apis, int Workers, Load Saturated, Load Offered)> layouts)
    {
        var baseline = layouts[0].Saturated.PerSecond;
        Console.WriteLine();
        Console.WriteLine($"Routing per layout: sessions through classify. Saturated: {Concurrency} clients back to back (rate, and x1 = over 1 Api + 1 Workers);");
        Console.WriteLine($"at {OfferedRate}/s: an offered {OfferedRate} sessions a second, latency = session.created -> intent.classified stored (ms). CPU ms per session at saturation.");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"layout",-20} {"sess/s",7} {"x1",5} {"POST p50",9} {"p50",7} {"p99",7} {"CPU %",6} | {string.Join(" ", Roles.Select(role => role.Short.PadLeft(6)))} {"Deckard",8}"));
        foreach (var (apis, workers, saturated, offered) in layouts)
        {
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{$"{apis} Api + {workers} Workers",-20} {saturated.PerSecond,7:0} {saturated.PerSecond / baseline,5:0.00} {Percentiles.Of(saturated.Accepts, 50),9:0.0} " +
                $"{Percentiles.Of(offered.Latencies, 50),7:0.0} {Percentiles.Of(offered.Latencies, 99),7:0.0} {saturated.MachineBusy * 100,6:0} | " +
                $"{string.Join(" ", Roles.Select(role => saturated.CpuMilliseconds(role.Name).ToString("0.00", CultureInfo.InvariantCulture).PadLeft(6)))} " +
                $"{ProcessCpu.DeckardRoles.Sum(saturated.CpuMilliseconds),8:0.00}"));
        }

        var last = layouts[^1].Saturated;
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  per session, every layout alike: {last.PostgresTransactions:0.0} PostgreSQL write transactions, {last.RedisCommands:0.0} Redis commands (measured in the last layout)"));
    }

    private static void PrintFlows(List<(string Flow, Load Load)> flows, IReadOnlyDictionary<string, double> background,
        IReadOnlyList<(string Thread, double MillisecondsPerSecond)> backgroundThreads)
    {
        Console.WriteLine();
        Console.WriteLine("Per flow on 1 Api + 2 Workers (CPU ms per session, net of the idle topology's background)");
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"flow",-50} {"p50 ms",8} {string.Join(" ", Roles.Select(role => role.Short.PadLeft(6)))} {"Deckard",8} {"sess/core-s",11} {"PG tx",6} {"Redis",6}"));
        foreach (var (flow, load) in flows)
        {
            var deckard = ProcessCpu.DeckardRoles.Sum(load.CpuMilliseconds);
            Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
                $"{flow,-50} {Percentiles.Of(load.Latencies, 50),8:0} {string.Join(" ", Roles.Select(role => load.CpuMilliseconds(role.Name).ToString("0.00", CultureInfo.InvariantCulture).PadLeft(6)))} " +
                $"{deckard,8:0.00} {1000 / deckard,11:0} {load.PostgresTransactions,6:0.0} {load.RedisCommands,6:0.0}"));
        }

        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{"background with no sessions (CPU ms per second)",-50} {"",8} {string.Join(" ", Roles.Select(role => (background.GetValueOrDefault(role.Name) * 1000).ToString("0.00", CultureInfo.InvariantCulture).PadLeft(6)))}"));
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"  (measured over 10 s after 30 s with no sessions; the workers' busiest threads then, ms per second: {string.Join(", ", backgroundThreads.Select(thread => $"{thread.Thread} {thread.MillisecondsPerSecond:0.0}"))})"));
        Console.WriteLine("  Deckard = api + workers + postgresql + redis (the stand-ins stand for the paid services; ffmpeg counts for the Workers that start it)");
    }

    private static readonly (string Name, string Short)[] Roles =
    [
        (ProcessCpu.Api, "api"), (ProcessCpu.Workers, "work"), (ProcessCpu.Postgres, "pg"), (ProcessCpu.Redis, "redis"),
        (ProcessCpu.OpenAIStandIn, "openai"), (ProcessCpu.RunPodStandIn, "runpod"), (ProcessCpu.Orchestrator, "dcp"),
    ];
}
