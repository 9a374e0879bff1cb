using System.Diagnostics;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>Runs ffmpeg, ffprobe or espeak-ng and returns what it printed; a non-zero exit is a failure naming the tool.</summary>
public static class ExternalTool
{
    public static Task<string> RunAsync(string program, params string[] arguments) => RunInAsync(null, program, arguments);

    public static async Task<string> RunInAsync(string? workingDirectory, string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        if (workingDirectory is not null)
        {
            startInfo.WorkingDirectory = workingDirectory;
        }

        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = await process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        return process.ExitCode == 0 ? await output : throw new InvalidOperationException($"{program} failed ({process.ExitCode}): {errors}");
    }
}
