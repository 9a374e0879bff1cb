using System.Diagnostics;
using System.Globalization;
using Deckard.Benchmarks.Reports;

namespace Deckard.Benchmarks;

/// <summary>
/// Every row of the performance targets in one run, beside the floors measured in the same run and the machine's core
/// count: the routing pipeline (overhead, SSE delivery, throughput, SSE memory), the avatar and search flows'
/// overhead, the lip-sync step's overhead, and the AppHost's cold start. Prints the table and writes it as JSON, which
/// <c>compare</c> reads.
/// </summary>
internal static class PerfBenchmark
{
    public static async Task RunAsync(int sessions, int flowSessions, int lipsyncSessions, string? jsonPath)
    {
        Console.WriteLine($"Performance run on {Environment.ProcessorCount} cores: pipeline {sessions} sessions, flows {flowSessions} each, lip-sync {lipsyncSessions}, AppHost cold start x3");
        var figures = new List<PerfFigure>();

        var pipeline = await PipelineBenchmark.MeasureAsync(sessions);
        var postgresFloor = pipeline.PostgresFloor;
        figures.Add(new("floor.redis_round_trip", "floor: Redis XADD -> XREADGROUP -> XACK, p50", "ms", pipeline.RedisFloor, Direction.Floor));
        figures.Add(new("floor.postgres_insert", "floor: PostgreSQL single-row insert, p50", "ms", postgresFloor, Direction.Floor));
        figures.Add(new("floor.router_call", "floor: the stand-in's routing call, p50", "ms", pipeline.StandInFloor, Direction.Floor));
        figures.Add(new("pipeline.overhead.p50", "accepted -> intent.classified overhead, p50", "ms", Percentiles.Of(pipeline.Overheads, 50), Direction.Lower, 2.5));
        figures.Add(new("pipeline.overhead.p99", "accepted -> intent.classified overhead, p99", "ms", Percentiles.Of(pipeline.Overheads, 99), Direction.Lower, 10));
        figures.Add(new("pipeline.overhead.p50_over_floor", "  the same p50 / the PostgreSQL insert floor", "x", Percentiles.Of(pipeline.Overheads, 50) / postgresFloor, Direction.Lower, 10));
        figures.Add(new("pipeline.queue_hop.p50", "  of which session.created -> step.started, p50", "ms", Percentiles.Of(pipeline.QueueHops, 50), Direction.Lower));
        figures.Add(new("pipeline.queue_hop.p99", "  of which session.created -> step.started, p99", "ms", Percentiles.Of(pipeline.QueueHops, 99), Direction.Lower));
        figures.Add(new("pipeline.claim_to_call.p50", "  of which step.started -> the model call arrives, p50", "ms", Percentiles.Of(pipeline.ClaimToCall, 50), Direction.Lower));
        figures.Add(new("pipeline.call_to_stored.p50", "  of which the model's last byte -> result stored, p50", "ms", Percentiles.Of(pipeline.CallToStored, 50), Direction.Lower));
        figures.Add(new("sse.delivery.p50", "SSE delivery, event stored -> client has it, p50", "ms", Percentiles.Of(pipeline.Deliveries, 50), Direction.Lower));
        figures.Add(new("sse.delivery.p99", "SSE delivery, event stored -> client has it, p99", "ms", Percentiles.Of(pipeline.Deliveries, 99), Direction.Lower, 10));
        figures.Add(new("pipeline.throughput.1", "sessions/s through classify, 1 Workers replica", "1/s", pipeline.ThroughputOne, Direction.Higher, 500));
        figures.Add(new("pipeline.throughput.2", "sessions/s through classify, 2 Workers replicas", "1/s", pipeline.ThroughputTwo, Direction.Higher, 500));
        figures.Add(new("sse.memory_per_1000", "Api memory per 1,000 open SSE streams", "MiB", pipeline.KibPerConnection * 1000 / 1024, Direction.Lower, 7.8));

        var flows = await FlowsBenchmark.MeasureAsync(flowSessions);
        figures.Add(new("floor.image_call", "floor: the stand-in's image call, p50", "ms", flows.Floors["image"], Direction.Floor));
        figures.Add(new("floor.search_call", "floor: the stand-in's web-search call, p50", "ms", flows.Floors["search"], Direction.Floor));
        figures.Add(new("flows.avatar.overhead.p50", "avatar flow overhead (flow minus stand-in), p50", "ms", Percentiles.Of(flows.AvatarOverhead, 50), Direction.Lower, 10));
        figures.Add(new("flows.avatar.overhead.p99", "avatar flow overhead (flow minus stand-in), p99", "ms", Percentiles.Of(flows.AvatarOverhead, 99), Direction.Lower, 30));
        figures.Add(new("flows.search.overhead.p50", "search flow overhead (flow minus stand-in), p50", "ms", Percentiles.Of(flows.SearchOverhead, 50), Direction.Lower, 10));
        figures.Add(new("flows.search.overhead.p99", "search flow overhead (flow minus stand-in), p99", "ms", Percentiles.Of(flows.SearchOverhead, 99), Direction.Lower, 30));

        var lipsync = await LipsyncBenchmark.MeasureAsync(lipsyncSessions, 0.01);
        figures.Add(new("floor.ffmpeg_start", "floor: starting ffmpeg once", "ms", lipsync.FfmpegStart, Direction.Floor));
        figures.Add(new("floor.gradio_round_trip", "floor: one HTTP round trip to the Gradio app", "ms", lipsync.RoundTrip, Direction.Floor));
        figures.Add(new("lipsync.overhead.p50", "lip-sync overhead (step minus the pod's job), p50", "ms", Percentiles.Of(lipsync.Overheads, 50), Direction.Lower, 150));
        figures.Add(new("lipsync.preparation.p50", "  of which preparing the inputs, p50", "ms", Percentiles.Of(lipsync.Preparations, 50), Direction.Lower));
        figures.Add(new("lipsync.upload.p50", "  of which discovery, uploads and submit, p50", "ms", Percentiles.Of(lipsync.Uploads, 50), Direction.Lower));
        figures.Add(new("lipsync.download.p50", "  of which result read and download, p50", "ms", Percentiles.Of(lipsync.Downloads, 50), Direction.Lower));

        var (cold, bareService) = await AppHostStartupBenchmark.MeasureColdAsync(3);
        figures.Add(new("floor.bare_service_start", "floor: one bare .NET service to healthy", "s", bareService, Direction.Floor));
        figures.Add(new("apphost.cold_start", "AppHost cold start to all healthy (dashboard on)", "s", cold, Direction.Lower, 8));

        var report = new PerfReport(DateTimeOffset.UtcNow, Environment.ProcessorCount, MachineName(), await CommitAsync(), figures);
        Console.WriteLine();
        Console.Write(report.ToTable());
        var path = jsonPath ?? Path.Combine("TestResults", "benchmarks", $"perf-{report.MeasuredAt:yyyyMMdd-HHmmss}.json");
        Directory.CreateDirectory(Path.GetDirectoryName(Path.GetFullPath(path))!);
        await File.WriteAllTextAsync(path, report.ToJson());
        Console.WriteLine($"written: {path} (compare two runs: Deckard.Benchmarks compare before.json after.json)");
    }

    public static async Task CompareAsync(string before, string after)
    {
        var earlier = PerfReport.FromJson(await File.ReadAllTextAsync(before));
        var later = PerfReport.FromJson(await File.ReadAllTextAsync(after));
        Console.Write(PerfReport.Compare(earlier, later));
    }

    private static string MachineName()
    {
        var model = File.Exists("/proc/cpuinfo")
            ? File.ReadLines("/proc/cpuinfo").FirstOrDefault(line => line.StartsWith("model name", StringComparison.Ordinal))?.Split(':', 2)[1].Trim()
            : null;
        return string.Create(CultureInfo.InvariantCulture,
            $"{model ?? "unknown CPU"}, {GC.GetGCMemoryInfo().TotalAvailableMemoryBytes / (1024 * 1024 * 1024.0):0} GiB, {System.Runtime.InteropServices.RuntimeInformation.FrameworkDescription}");
    }

    /// <summary>The commit measured, when the benchmark runs from a git checkout.</summary>
    private static async Task<string?> CommitAsync()
    {
        try
        {
            using var git = Process.Start(new ProcessStartInfo("git", ["rev-parse", "--short", "HEAD"]) { RedirectStandardOutput = true, RedirectStandardError = true });
            if (git is null)
            {
                return null;
            }

            var commit = (await git.StandardOutput.ReadToEndAsync()).Trim();
            await git.WaitForExitAsync();
            return git.ExitCode == 0 && commit.Length > 0 ? commit : null;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }
    }
}
