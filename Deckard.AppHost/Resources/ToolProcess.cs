using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace Deckard.AppHost.Resources;

/// <summary>Runs a short-lived tool (initdb, a container runtime's <c>info</c>) to its end, its output going to a logger.</summary>
public static class ToolProcess
{
    /// <returns>The exit code, or null when the program could not be started (not installed).</returns>
    public static async Task<int?> RunAsync(
        string program, IEnumerable<string> arguments, ILogger? output, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        Process process;
        try
        {
            process = Process.Start(startInfo)!;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return null;
        }

        using (process)
        {
            process.StandardInput.Close();
            process.OutputDataReceived += (_, line) => Write(output, line.Data, LogLevel.Information);
            process.ErrorDataReceived += (_, line) => Write(output, line.Data, LogLevel.Warning);
            process.BeginOutputReadLine();
            process.BeginErrorReadLine();
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(timeout);
            try
            {
                await process.WaitForExitAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                if (cancellationToken.IsCancellationRequested)
                {
                    throw;
                }

                output?.LogWarning("{Program} did not finish within {Timeout}; stopped it.", program, timeout);
                return -1;
            }

            return process.ExitCode;
        }
    }

    private static void Write(ILogger? output, string? line, LogLevel level)
    {
        if (output is not null && !string.IsNullOrEmpty(line))
        {
            output.Log(level, "{Line}", line);
        }
    }
}
