using System.Diagnostics;
using System.Globalization;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.Benchmarks;

/// <summary>One measured run: its rate, per-session latencies, and what it cost per session.</summary>
internal sealed record Load(
    int Count, double PerSecond, List<double> Latencies, List<double> Accepts, IReadOnlyDictionary<string, double> CpuSeconds,
    double MachineBusy, double PostgresTransactions, double RedisCommands)
{
    public double CpuMilliseconds(string role) => CpuSeconds.GetValueOrDefault(role) * 1000 / Count;
}

/// <summary>
/// Runs a load and measures it: CPU per process role (net of what the idle topology spends in the same time),
/// PostgreSQL write transactions and Redis commands (INFO) per session, each session's latency on the
/// server's clocks, and the rate from the first session's creation to the last one's finish.
/// </summary>
internal sealed class LoadMeter : IAsyncDisposable
{
    private readonly NpgsqlDataSource _database;
    private readonly ConnectionMultiplexer _redis;
    private Dictionary<string, double>? _idlePerSecond;

    /// <summary>CPU seconds per second each role spends with no sessions running (health checks, heartbeats, sweeps).</summary>
    public IReadOnlyDictionary<string, double> Background => _idlePerSecond ?? [];

    private LoadMeter(NpgsqlDataSource database, ConnectionMultiplexer redis)
    {
        _database = database;
        _redis = redis;
    }

    public static async Task<LoadMeter> CreateAsync(BenchmarkTopology app)
    {
        // INFO counts as an admin command to the client.
        var redis = ConfigurationOptions.Parse(await app.ConnectionStringAsync("redis"));
        redis.AllowAdmin = true;
        return new(NpgsqlDataSource.Create(await app.ConnectionStringAsync("deckard")), await ConnectionMultiplexer.ConnectAsync(redis));
    }

    /// <summary>
    /// Starts <paramref name="count"/> sessions, at most <paramref name="concurrency"/> at a time, and with a
    /// <paramref name="pace"/> no faster than one per pace (an offered rate; zero starts each as soon as the gate lets it).
    /// </summary>
    public async Task<Load> MeasureAsync(int concurrency, int count, Func<int, Task<(Guid Id, double Milliseconds)>> create,
        Func<Guid[], Task<List<double>>> finished, TimeSpan pace = default)
    {
        var (transactionsBefore, commandsBefore) = (await TransactionsAsync(), await RedisCommandsAsync());
        var cpuBefore = ProcessCpu.Sample();
        var ownBefore = Environment.CpuUsage.TotalTime;
        using var gate = new SemaphoreSlim(concurrency);
        var start = Stopwatch.GetTimestamp();
        var created = await Task.WhenAll(Enumerable.Range(0, count).Select(async index =>
        {
            if ((pace * index) - Stopwatch.GetElapsedTime(start) is { Ticks: > 0 } due)
            {
                await Task.Delay(due);
            }

            await gate.WaitAsync();
            try
            {
                return await create(index);
            }
            finally
            {
                gate.Release();
            }
        }));
        var ids = created.Select(session => session.Id).ToArray();
        var latencies = await finished(ids);
        var cpuAfter = ProcessCpu.Sample();
        var ownSeconds = (Environment.CpuUsage.TotalTime - ownBefore).TotalSeconds;
        var (transactionsAfter, commandsAfter) = (await TransactionsAsync(), await RedisCommandsAsync());
        var wall = (cpuAfter.At - cpuBefore.At).TotalSeconds;
        var spent = cpuAfter.Since(cpuBefore);
        var net = spent.ToDictionary(pair => pair.Key, pair => Math.Max(0, pair.Value - (Background.GetValueOrDefault(pair.Key) * wall)));
        var busy = (spent.Values.Sum() + ownSeconds) / wall / Environment.ProcessorCount;
        var span = await SpanSecondsAsync(ids);
        return new Load(count, count / span, latencies, [.. created.Select(session => session.Milliseconds)], net, busy,
            (transactionsAfter - transactionsBefore) / (double)count, (commandsAfter - commandsBefore) / (double)count);
    }

    /// <summary>Waits until every session's classify step is done: each one's created → intent.classified (stored) time.</summary>
    public Task<List<double>> WhenClassifiedAsync(Guid[] ids) => WaitAsync(ids, """
        SELECT EXTRACT(EPOCH FROM (SELECT min(events.created_at) FROM events WHERE events.session_id = sessions.id AND events.type = 'intent.classified') - sessions.created_at) * 1000
        FROM sessions WHERE sessions.id = ANY(@ids)
        """);

    /// <summary>Waits until every session has ended (any failure is an error): each one's created → finished time.</summary>
    public async Task<List<double>> WhenFinishedAsync(Guid[] ids)
    {
        var times = await WaitAsync(ids, """
            SELECT CASE WHEN status IN ('completed', 'failed', 'cancelled') THEN EXTRACT(EPOCH FROM finished_at - created_at) * 1000 END
            FROM sessions WHERE id = ANY(@ids)
            """);
        await using var failures = _database.CreateCommand("SELECT count(*) FROM sessions WHERE id = ANY(@ids) AND status <> 'completed'");
        failures.Parameters.AddWithValue("ids", ids);
        return (long)(await failures.ExecuteScalarAsync())! == 0 ? times : throw new InvalidOperationException("A benchmark session did not complete.");
    }

    private async Task<List<double>> WaitAsync(Guid[] ids, string sql)
    {
        await using var command = _database.CreateCommand(sql);
        command.Parameters.AddWithValue("ids", ids);
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(5));
        while (true)
        {
            var times = new List<double>();
            await using (var reader = await command.ExecuteReaderAsync(deadline.Token))
            {
                while (await reader.ReadAsync(deadline.Token))
                {
                    if (!reader.IsDBNull(0))
                    {
                        times.Add((double)reader.GetDecimal(0));
                    }
                }
            }

            if (times.Count == ids.Length)
            {
                return times;
            }

            await Task.Delay(20, deadline.Token);
        }
    }

    /// <summary>From the first session's creation to the last step's finish.</summary>
    private async Task<double> SpanSecondsAsync(Guid[] ids)
    {
        await using var command = _database.CreateCommand("""
            SELECT EXTRACT(EPOCH FROM max(steps.finished_at) - min(sessions.created_at))
            FROM sessions JOIN steps ON steps.session_id = sessions.id WHERE sessions.id = ANY(@ids)
            """);
        command.Parameters.AddWithValue("ids", ids);
        return (double)(decimal)(await command.ExecuteScalarAsync())!;
    }

    /// <summary>
    /// Measures what the topology spends doing nothing (health checks, heartbeats, polls, timers), per second, over 10 s
    /// once <paramref name="settle"/> has passed with no sessions; later runs count only what they spend beyond it. A
    /// short settle leaves the last load's tail (tiered JIT, GC, pools trimming) in the figure, which then hides that
    /// much of each session's cost; the flows, whose runs last a minute, settle for longer. Also notes which threads of
    /// <paramref name="role"/> spent it.
    /// </summary>
    public async Task MeasureBackgroundAsync(TimeSpan settle, string role = ProcessCpu.Workers)
    {
        await Task.Delay(settle);
        var before = ProcessCpu.Sample();
        var threadsBefore = ProcessCpu.ThreadSeconds(role);
        await Task.Delay(TimeSpan.FromSeconds(10));
        var after = ProcessCpu.Sample();
        var threadsAfter = ProcessCpu.ThreadSeconds(role);
        var seconds = (after.At - before.At).TotalSeconds;
        _idlePerSecond = after.Since(before).ToDictionary(pair => pair.Key, pair => pair.Value / seconds);
        BackgroundThreads = [.. threadsAfter
            .Select(pair => (Thread: pair.Key, MillisecondsPerSecond: (pair.Value - threadsBefore.GetValueOrDefault(pair.Key)) * 1000 / seconds))
            .Where(thread => thread.MillisecondsPerSecond > 0).OrderByDescending(thread => thread.MillisecondsPerSecond).Take(4)];
    }

    /// <summary>The busiest threads of the role <see cref="MeasureBackgroundAsync"/> watched, in CPU milliseconds per second.</summary>
    public IReadOnlyList<(string Thread, double MillisecondsPerSecond)> BackgroundThreads { get; private set; } = [];

    /// <summary>
    /// The next transaction id PostgreSQL will assign: its change over a run is the write transactions in it, exact and
    /// at once (the cumulative statistics reach pg_stat_database only when each backend flushes them).
    /// </summary>
    private async Task<long> TransactionsAsync()
    {
        await using var command = _database.CreateCommand("SELECT pg_snapshot_xmax(pg_current_snapshot())::text::bigint");
        return (long)(await command.ExecuteScalarAsync())!;
    }

    private async Task<long> RedisCommandsAsync()
    {
        var info = (string)(await _redis.GetDatabase().ExecuteAsync("INFO", "stats"))!;
        var line = info.Split('\n').Single(l => l.StartsWith("total_commands_processed:", StringComparison.Ordinal));
        return long.Parse(line["total_commands_processed:".Length..].Trim(), CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync()
    {
        await _database.DisposeAsync();
        await _redis.DisposeAsync();
    }
}
