using System.Diagnostics;

namespace Deckard.OpenAIMock.Media;

/// <summary>A media tool (espeak-ng, ffmpeg) run with piped stdin and stdout; stderr kept for the error message.</summary>
public sealed class MediaProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private MediaProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
    }

    public string Name => Path.GetFileName(_process.StartInfo.FileName);

    public Stream Input => _process.StandardInput.BaseStream;

    public Stream Output => _process.StandardOutput.BaseStream;

    public static MediaProcess Start(string fileName, IEnumerable<string> arguments)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        try
        {
            return new MediaProcess(Process.Start(startInfo) ?? throw new MediaToolException($"{fileName} did not start."));
        }
        catch (System.ComponentModel.Win32Exception exception)
        {
            throw new MediaToolException($"{fileName} could not be started ({exception.Message}). Install it (scripts/install-prerequisites.sh).", exception);
        }
    }

    public async Task WaitForSuccessAsync(CancellationToken cancellationToken)
    {
        await _process.WaitForExitAsync(cancellationToken);
        var stderr = await _stderr;
        if (_process.ExitCode != 0)
        {
            throw new MediaToolException($"{Name} exited with code {_process.ExitCode}: {stderr.Trim()}");
        }
    }

    /// <summary>Runs a tool on bytes and returns all it writes.</summary>
    public static async Task<byte[]> TransformAsync(string fileName, IEnumerable<string> arguments, byte[] input, CancellationToken cancellationToken)
    {
        await using var process = Start(fileName, arguments);
        var feed = FeedAsync(process.Input, input, cancellationToken);
        using var output = new MemoryStream();
        await process.Output.CopyToAsync(output, cancellationToken);
        await feed;
        await process.WaitForSuccessAsync(cancellationToken);
        return output.ToArray();
    }

    public static async Task FeedAsync(Stream input, byte[] bytes, CancellationToken cancellationToken)
    {
        await using (input)
        {
            await input.WriteAsync(bytes, cancellationToken);
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
    }
}

public sealed class MediaToolException : Exception
{
    public MediaToolException()
    {
    }

    public MediaToolException(string message)
        : base(message)
    {
    }

    public MediaToolException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
