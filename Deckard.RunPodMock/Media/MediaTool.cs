using System.ComponentModel;
using System.Diagnostics;

namespace Deckard.RunPodMock.Media;

/// <summary>Runs ffmpeg or ffprobe to completion; the result carries the exit code, stdout bytes and stderr text.</summary>
public static class MediaTool
{
    public sealed record Result(int ExitCode, byte[] Output, string Errors)
    {
        public bool Succeeded => ExitCode == 0;
    }

    public static async Task<Result> RunAsync(string tool, IEnumerable<string> arguments, CancellationToken cancellationToken)
    {
        var startInfo = new ProcessStartInfo(tool)
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
            process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{tool} did not start.");
        }
        catch (Win32Exception exception)
        {
            return new Result(-1, [], $"{tool} could not be started ({exception.Message}). Install it (scripts/install-prerequisites.sh).");
        }

        using (process)
        {
            process.StandardInput.Close();
            using var output = new MemoryStream();
            var copy = process.StandardOutput.BaseStream.CopyToAsync(output, cancellationToken);
            var errors = process.StandardError.ReadToEndAsync(cancellationToken);
            try
            {
                await copy;
                await process.WaitForExitAsync(cancellationToken);
                return new Result(process.ExitCode, output.ToArray(), await errors);
            }
            catch (OperationCanceledException)
            {
                if (!process.HasExited)
                {
                    process.Kill(entireProcessTree: true);
                    await process.WaitForExitAsync(CancellationToken.None);
                }

                throw;
            }
        }
    }

    /// <summary>Whether the tool resolves to a file (absolute path, or a name on PATH).</summary>
    public static bool IsAvailable(string tool)
    {
        if (Path.IsPathRooted(tool))
        {
            return File.Exists(tool);
        }

        var directories = (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);
        return directories.Any(directory => File.Exists(Path.Combine(directory, tool)));
    }
}
