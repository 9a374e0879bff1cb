using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>The AppHost as a person runs it: its own process, its console read line by line.</summary>
public sealed partial class AppHostProcess : IAsyncDisposable
{
    private const string ReadyLine = "Press Ctrl+C to stop everything.";
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
        var stateDirectory = Directory.CreateTempSubdirectory("deckard-apphost-").FullName;
        var appHost = Path.Combine(AppContext.BaseDirectory, "Deckard.AppHost.dll");
        var startInfo = new ProcessStartInfo(Environment.ProcessPath!, [appHost])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        startInfo.Environment["AppHost__StateDirectory"] = stateDirectory;
        startInfo.Environment["AppHost__RandomizePorts"] = "true";
        startInfo.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        var process = Process.Start(startInfo)!;
        var appHostProcess = new AppHostProcess(process, stateDirectory, output);
        process.OutputDataReceived += (_, line) => appHostProcess.OnLine(line.Data);
        process.ErrorDataReceived += (_, line) => appHostProcess.OnLine(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var exited = process.WaitForExitAsync();
        var first = await Task.WhenAny(appHostProcess._ready.Task, exited).WaitAsync(TimeSpan.FromSeconds(120));
        if (first == exited)
        {
            throw new InvalidOperationException($"The AppHost exited with code {process.ExitCode} before everything was healthy.");
        }

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
