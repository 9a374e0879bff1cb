using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using Deckard.AppHost.Resources;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>
/// One more RunPod stand-in, outside the topology: a second pod for tests of renders spread over several. It runs the
/// stand-in's built assembly on a free port, rendering at the pipeline's pace.
/// </summary>
public sealed class StandInPod : IAsyncDisposable
{
    private readonly Process _process;

    private StandInPod(Process process, Uri baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public Uri BaseUrl { get; }

    public static async Task<StandInPod> StartAsync()
    {
        var assembly = BuiltOutputLaunch.BuiltAssembly(new Projects.Deckard_RunPodMock().ProjectPath)
            ?? throw new InvalidOperationException("The RunPod stand-in is not built in this configuration.");
        var port = FreePort();
        var baseUrl = new Uri($"http://127.0.0.1:{port.ToString(CultureInfo.InvariantCulture)}/");
        var start = new ProcessStartInfo("dotnet", [assembly, "--urls", baseUrl.ToString(),
            "--RunPodMock:CostModel:TimeScale=0.001", "--RunPodMock:HeartbeatSeconds=0.2"])
        {
            WorkingDirectory = Path.GetDirectoryName(assembly)!,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start)!;
        // Drain its output so that a chatty log never blocks it.
        process.OutputDataReceived += (_, _) => { };
        process.ErrorDataReceived += (_, _) => { };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var pod = new StandInPod(process, baseUrl);
        using var http = new HttpClient { BaseAddress = baseUrl };
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (true)
        {
            try
            {
                using var config = await http.GetAsync(new Uri("config", UriKind.Relative), deadline.Token);
                if (config.IsSuccessStatusCode)
                {
                    return pod;
                }
            }
            catch (HttpRequestException) when (!process.HasExited)
            {
            }

            if (process.HasExited)
            {
                throw new InvalidOperationException($"The second RunPod stand-in exited with {process.ExitCode}.");
            }

            await Task.Delay(100, deadline.Token);
        }
    }

    /// <summary>An address where nothing listens: a pod that is down.</summary>
    public static Uri Unreachable() => new($"http://127.0.0.1:{FreePort().ToString(CultureInfo.InvariantCulture)}/");

    public HttpClient CreateAdminClient() => new() { BaseAddress = BaseUrl };

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
