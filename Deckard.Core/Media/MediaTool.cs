using System.Diagnostics;

namespace Deckard.Core.Media;

/// <summary>What a media tool printed and how it ended.</summary>
public sealed record MediaToolResult(int ExitCode, string Output, string Errors)
{
    public bool Succeeded => ExitCode == 0;

    /// <summary>The tool's last error line: ffmpeg and ffprobe put the reason there.</summary>
    public string? LastErrorLine => Errors.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).LastOrDefault();
}

/// <summary>
/// Runs ffmpeg or ffprobe on files: output and errors captured, killed when cancelled or when it runs past
/// <paramref name="timeout"/> (a malformed file must not hold a request or a step forever).
/// </summary>
public static class MediaTool
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static async Task<MediaToolResult> RunAsync(
        string program, IEnumerable<string> arguments, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{program} did not start.");
        var output = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        var errors = process.StandardError.ReadToEndAsync(CancellationToken.None);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new MediaToolResult(process.ExitCode, await output, await errors);
    }
}
