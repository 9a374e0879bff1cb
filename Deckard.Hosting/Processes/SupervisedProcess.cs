using System.Diagnostics;

namespace Deckard.Hosting.Processes;

/// <summary>
/// A started child: its output pumped line by line to a callback, <see cref="Exited"/> completing with the exit code
/// once the process has ended and its output is fully read, and an orderly <see cref="StopAsync"/>.
/// </summary>
public sealed class SupervisedProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly UnixSignal _stopSignal;
    private readonly Task<int> _exited;

    private SupervisedProcess(Process process, UnixSignal stopSignal, Action<string, bool> onLine)
    {
        _process = process;
        _stopSignal = stopSignal;
        ProcessId = process.Id;
        var standardOutput = PumpAsync(process.StandardOutput, isError: false, onLine);
        var standardError = PumpAsync(process.StandardError, isError: true, onLine);
        _exited = WaitForExitAsync(standardOutput, standardError);
    }

    public int ProcessId { get; }

    public Task<int> Exited => _exited;

    public static async Task<SupervisedProcess> StartAsync(
        ProcessLauncher launcher, ProcessSpec spec, Action<string, bool> onLine, CancellationToken cancellationToken)
    {
        var process = await launcher.StartAsync(spec, cancellationToken);
        return new SupervisedProcess(process, spec.StopSignal, onLine);
    }

    /// <summary>Sends the stop signal; kills the process (and anything it started) if it has not exited within <paramref name="timeout"/>.</summary>
    public async Task StopAsync(TimeSpan timeout)
    {
        if (_exited.IsCompleted)
        {
            return;
        }

        _ = NativeMethods.Kill(ProcessId, (int)_stopSignal);
        var finished = await Task.WhenAny(_exited, Task.Delay(timeout));
        if (finished != _exited)
        {
            Kill();
            await _exited.WaitAsync(TimeSpan.FromSeconds(10));
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    private async Task<int> WaitForExitAsync(Task standardOutput, Task standardError)
    {
        await _process.WaitForExitAsync();
        // A grandchild that inherited the pipes could keep them open forever; give the readers a moment only.
        await Task.WhenAny(Task.WhenAll(standardOutput, standardError), Task.Delay(TimeSpan.FromSeconds(2)));
        return _process.ExitCode;
    }

    private static async Task PumpAsync(StreamReader reader, bool isError, Action<string, bool> onLine)
    {
        try
        {
            while (await reader.ReadLineAsync() is { } line)
            {
                onLine(line, isError);
            }
        }
        catch (IOException)
        {
            // The pipe broke with the process.
        }
        catch (ObjectDisposedException)
        {
            // Disposed while reading.
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_exited.IsCompleted)
        {
            Kill();
            await Task.WhenAny(_exited, Task.Delay(TimeSpan.FromSeconds(5)));
        }

        _process.Dispose();
    }
}
