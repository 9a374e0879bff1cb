using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>The AppHost as a person runs it: its own process (with its dashboard), its console read line by line.</summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private const string ReadyLine = "Deckard is ready";
    private readonly Process _process;
    private readonly TaskCompletionSource _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly ITestOutputHelper _output;

    private AppHostProcess(Process process, string stateDirectory, ITestOutputHelper output)
    {
        _process = process;
        StateDirectory = stateDirectory;
        _output = output;
    }

    public int ProcessId => _process.Id;

    public string StateDirectory { get; }

    public ConcurrentQueue<string> Output { get; } = new();

    public static async Task<AppHostProcess> StartAsync(ITestOutputHelper output)
    {
        var appHostProcess = Launch(output, new Dictionary<string, string>());
        var process = appHostProcess._process;
        try
        {
            var exited = process.WaitForExitAsync();
            var first = await Task.WhenAny(appHostProcess._ready.Task, exited).WaitAsync(DeckardTestApp.StartDeadline);
            if (first == exited)
            {
                throw new InvalidOperationException($"The AppHost exited with code {process.ExitCode} before everything was healthy.");
            }
        }
        catch
        {
            await appHostProcess.DisposeAsync();
            throw;
        }

        return appHostProcess;
    }

    /// <summary>Launches the AppHost with <paramref name="environment"/> on top of the defaults, without waiting for anything.</summary>
    public static AppHostProcess Launch(ITestOutputHelper output, IReadOnlyDictionary<string, string> environment)
    {
        var stateDirectory = DeckardTestApp.CreateStateFolder();
        // The AppHost as `dotnet run` starts it: from its own output folder, with its own dependencies (the copy in the
        // tests' folder resolves the tests' package versions instead).
        var configuration = new DirectoryInfo(AppContext.BaseDirectory).Parent!.Name;
        var appHost = Path.Combine(Projects.Deckard_AppHost.ProjectPath, "bin", configuration, "net10.0", "Deckard.AppHost.dll");
        // A terminal's Ctrl+C must reach the AppHost even when the test run itself was started in the background
        // (which makes children inherit SIGINT ignored): env resets it to its default.
        var startInfo = new ProcessStartInfo("env", ["--default-signal=INT,TERM", Environment.ProcessPath!, appHost])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        // What the launch profile gives `dotnet run`, on free ports so a person's own AppHost can keep running.
        startInfo.Environment["DOTNET_ENVIRONMENT"] = "Development";
        startInfo.Environment["ASPNETCORE_URLS"] = $"http://localhost:{FreePort()}";
        startInfo.Environment["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://localhost:{FreePort()}";
        startInfo.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        startInfo.Environment["AppHost__StateDirectory"] = stateDirectory;
        startInfo.Environment["DcpPublisher__RandomizePorts"] = "true";
        startInfo.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo)!;
        var appHostProcess = new AppHostProcess(process, stateDirectory, output);
        process.OutputDataReceived += (_, line) => appHostProcess.OnLine(line.Data);
        process.ErrorDataReceived += (_, line) => appHostProcess.OnLine(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return appHostProcess;
    }

    public void Signal(int signal) => _ = Kill(_process.Id, signal);

    public async Task<int> WaitForExitAsync(TimeSpan deadline)
    {
        await _process.WaitForExitAsync().WaitAsync(deadline);
        return _process.ExitCode;
    }

    private void OnLine(string? line)
    {
        if (line is null)
        {
            return;
        }

        Output.Enqueue(line);
        try
        {
            _output.WriteLine(line);
        }
        catch (InvalidOperationException)
        {
            // The test has finished.
        }

        if (line.Contains(ReadyLine, StringComparison.Ordinal))
        {
            _ready.TrySetResult();
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    [LibraryImport("libc", EntryPoint = "kill")]
    private static partial int Kill(int pid, int signal);
}
