using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;

namespace Deckard.Benchmarks;

/// <summary>
/// How long the AppHost takes from launch to "everything healthy" (cold: a new state folder, so initdb runs; warm: the
/// same folder again, as a person's second run), the memory of the AppHost and of the whole topology (DCP, the
/// dashboard, the servers and the services), and how long Ctrl+C takes to stop it all. Baseline, measured in the same
/// run: one bare .NET service (the RunPod mock) from launch to a 200 on /health.
/// </summary>
internal static partial class AppHostStartupBenchmark
{
    private const string ReadyLine = "Deckard is ready";

    public static async Task RunAsync(int runs)
    {
        var (baseline, cold, warm) = await MeasureRunsAsync(runs, warmToo: true);
        var baselineMedian = Median(baseline);
        Console.WriteLine();
        Console.WriteLine($"AppHost start-up on {Environment.ProcessorCount} cores, {runs} runs (median):");
        Console.WriteLine($"  baseline: one bare .NET service to healthy     {baselineMedian,7:0.00} s   1.0x");
        Print("cold start (new state folder, initdb)", cold, baselineMedian);
        Print("warm start (existing state folder)", warm, baselineMedian);
        Console.WriteLine($"  AppHost memory when all healthy: {Median(cold.Select(s => s.AppHostMiB)):0} MiB resident (peak {Median(cold.Select(s => s.AppHostPeakMiB)):0} MiB)");
        Console.WriteLine($"  the whole topology ({cold[0].Processes} processes: AppHost, DCP and its monitors, dashboard, servers, services): " +
                          $"{Median(cold.Select(s => s.TopologyMiB)):0} MiB resident summed, {Median(cold.Select(s => s.TopologyPssMiB)):0} MiB proportional (shared pages counted once)");
        Console.WriteLine($"  Ctrl+C: the AppHost returns in {Median(warm.Select(s => s.Stop.AppHostExited)):0.00} s, every service and server has stopped after " +
                          $"{Median(warm.Select(s => s.Stop.ServicesStopped)):0.00} s, DCP is gone after {Median(warm.Select(s => s.Stop.EverythingGone)):0.00} s");
    }

    /// <summary>Cold starts only (a new state folder each), with the bare-service baseline: medians in seconds.</summary>
    public static async Task<(double ColdSeconds, double BaselineSeconds)> MeasureColdAsync(int runs)
    {
        var (baseline, cold, _) = await MeasureRunsAsync(runs, warmToo: false);
        return (Median(cold.Select(sample => sample.StartSeconds)), Median(baseline));
    }

    /// <summary>Each run: the bare-service baseline, a cold start in a new state folder, and (if asked) a warm start in the same one.</summary>
    private static async Task<(List<double> Baseline, List<Sample> Cold, List<Sample> Warm)> MeasureRunsAsync(int runs, bool warmToo)
    {
        var baseline = new List<double>();
        var cold = new List<Sample>();
        var warm = new List<Sample>();
        for (var run = 0; run < runs; run++)
        {
            baseline.Add(await MeasureBareServiceAsync());
            var state = Directory.CreateTempSubdirectory("deckard-bench-").FullName;
            try
            {
                cold.Add(await MeasureAppHostAsync(state));
                if (warmToo)
                {
                    warm.Add(await MeasureAppHostAsync(state));
                }
            }
            finally
            {
                Directory.Delete(state, recursive: true);
            }

            Console.WriteLine($"run {run + 1}/{runs}: baseline {baseline[^1]:0.00} s, cold {cold[^1].StartSeconds:0.00} s" +
                              (warmToo ? $", warm {warm[^1].StartSeconds:0.00} s" : ""));
        }

        return (baseline, cold, warm);
    }

    private static void Print(string label, List<Sample> samples, double baseline)
    {
        var median = Median(samples.Select(sample => sample.StartSeconds));
        Console.WriteLine($"  {label,-44} {median,7:0.00} s   {median / baseline:0.0}x   (min {samples.Min(s => s.StartSeconds):0.00}, max {samples.Max(s => s.StartSeconds):0.00})");
    }

    private static async Task<Sample> MeasureAppHostAsync(string stateDirectory)
    {
        // As `dotnet run --project Deckard.AppHost` starts it (from its own folder, with the dashboard), on free ports.
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var appHost = Path.Combine(Projects.Deckard_AppHost.ProjectPath, "bin", configuration, "net10.0", "Deckard.AppHost.dll");
        var startInfo = new ProcessStartInfo(Environment.ProcessPath!, [appHost])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        startInfo.Environment["AppHost__StateDirectory"] = stateDirectory;
        startInfo.Environment["DcpPublisher__RandomizePorts"] = "true";
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        process.OutputDataReceived += (_, line) =>
        {
            if (line.Data?.Contains(ReadyLine, StringComparison.Ordinal) == true)
            {
                ready.TrySetResult();
            }
        };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        await ready.Task.WaitAsync(TimeSpan.FromMinutes(3));
        var startSeconds = stopwatch.Elapsed.TotalSeconds;

        var appHostMiB = ProcessMemory.ResidentMiB(process.Id);
        var appHostPeakMiB = ProcessMemory.PeakResidentMiB(process.Id);
        // DCP runs detached from the AppHost (it watches the AppHost's process id): its tree is found by that id.
        var topology = ProcessMemory.Orchestrators(process.Id).SelectMany(dcp => ProcessMemory.Descendants(dcp).Prepend(dcp))
            .Concat(ProcessMemory.Descendants(process.Id)).Distinct().ToList();
        var topologyMiB = appHostMiB + topology.Sum(ProcessMemory.ResidentMiB);
        var topologyPssMiB = ProcessMemory.ProportionalMiB(process.Id) + topology.Sum(ProcessMemory.ProportionalMiB);
        var processes = topology.Count + 1;

        // Ctrl+C: when the AppHost returns, when the last service and server has stopped, when DCP itself is gone.
        var services = topology.Where(pid => !ProcessMemory.CommandLine(pid).Contains("/aspire.", StringComparison.Ordinal)).ToList();
        stopwatch.Restart();
        _ = Kill(process.Id, 2);
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(1));
        var appHostExit = stopwatch.Elapsed.TotalSeconds;
        double? servicesStopped = null;
        while (topology.Any(IsRunning))
        {
            if (servicesStopped is null && !services.Any(IsRunning))
            {
                servicesStopped = stopwatch.Elapsed.TotalSeconds;
            }

            await Task.Delay(20);
        }

        var allGone = stopwatch.Elapsed.TotalSeconds;
        return new Sample(startSeconds, appHostMiB, appHostPeakMiB, topologyMiB, topologyPssMiB, processes,
            new StopTimes(appHostExit, servicesStopped ?? allGone, allGone));
    }

    private static async Task<double> MeasureBareServiceAsync()
    {
        var port = FreePort();
        var project = Path.GetDirectoryName(new Projects.Deckard_RunPodMock().ProjectPath)!;
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var startInfo = new ProcessStartInfo(Environment.ProcessPath!, [Path.Combine(project, "bin", configuration, "net10.0", "Deckard.RunPodMock.dll")])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = project,
        };
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(1) };
        var stopwatch = Stopwatch.StartNew();
        using var process = Process.Start(startInfo)!;
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            while (true)
            {
                try
                {
                    using var response = await http.GetAsync(new Uri($"http://127.0.0.1:{port}/health"));
                    if (response.IsSuccessStatusCode)
                    {
                        return stopwatch.Elapsed.TotalSeconds;
                    }
                }
                catch (HttpRequestException)
                {
                    // Not listening yet.
                }

                await Task.Delay(20);
            }
        }
        finally
        {
            process.Kill();
            await process.WaitForExitAsync();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[sorted.Count / 2 - 1] + sorted[sorted.Count / 2]) / 2;
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);

    private static bool IsRunning(int pid) => Directory.Exists($"/proc/{pid}") && ProcessMemory.ResidentMiB(pid) > 0;

    private sealed record Sample(
        double StartSeconds, double AppHostMiB, double AppHostPeakMiB, double TopologyMiB, double TopologyPssMiB, int Processes, StopTimes Stop);

    private sealed record StopTimes(double AppHostExited, double ServicesStopped, double EverythingGone);
}
