using System.Diagnostics;
using System.Globalization;

namespace Deckard.OpenAIMock.Tests.Infrastructure;

/// <summary>espeak-ng, ffmpeg and ffprobe as the tests use them: to make input audio and to check what the stand-in made.</summary>
public static class MediaTools
{
    /// <summary>Spoken text as a WAV (24 kHz mono) carrying the <c>[transcript: ...]</c> tag, optionally as another container.</summary>
    public static async Task<byte[]> SpokenAudioAsync(string text, string? taggedTranscript = null, string format = "wav")
    {
        var directory = Directory.CreateTempSubdirectory("openai-mock-test-");
        try
        {
            var raw = Path.Combine(directory.FullName, "raw.wav");
            var output = Path.Combine(directory.FullName, "speech." + format);
            await RunAsync("espeak-ng", ["-w", raw, text]);
            string[] metadata = taggedTranscript is null ? [] : ["-metadata", $"comment=[transcript: {taggedTranscript}]"];
            string[] codec = format == "webm" ? ["-c:a", "libopus"] : [];
            await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", raw, .. metadata, "-ar", "24000", "-ac", "1", .. codec, output]);
            return await File.ReadAllBytesAsync(output);
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>Spoken text as raw PCM16 24 kHz mono, what a realtime client streams.</summary>
    public static async Task<byte[]> SpokenPcmAsync(string text, int trailingSilenceMs = 0)
    {
        var directory = Directory.CreateTempSubdirectory("openai-mock-test-");
        try
        {
            var raw = Path.Combine(directory.FullName, "raw.wav");
            var output = Path.Combine(directory.FullName, "speech.pcm");
            await RunAsync("espeak-ng", ["-w", raw, text]);
            await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", raw, "-ar", "24000", "-ac", "1", "-f", "s16le", output]);
            var speech = await File.ReadAllBytesAsync(output);
            return [.. speech, .. new byte[trailingSilenceMs * 48]];
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>What ffprobe reads from the bytes: the codec and the duration (decoded to the end by ffmpeg).</summary>
    public static async Task<(string Codec, TimeSpan Duration)> ProbeAudioAsync(byte[] audio, string? rawFormat = null)
    {
        var directory = Directory.CreateTempSubdirectory("openai-mock-test-");
        try
        {
            var file = Path.Combine(directory.FullName, "audio.bin");
            await File.WriteAllBytesAsync(file, audio);
            string[] input = rawFormat is null ? ["-i", file] : ["-f", rawFormat, "-ar", "24000", "-ac", "1", "-i", file];
            var codec = (await RunAsync("ffprobe",
                ["-v", "error", .. rawFormat is null ? Array.Empty<string>() : ["-f", rawFormat, "-ar", "24000", "-ac", "1"], "-select_streams", "a:0",
                 "-show_entries", "stream=codec_name", "-of", "default=noprint_wrappers=1:nokey=1", file])).Trim();
            // Decoding the whole stream proves it is playable and gives the true length for any container.
            var decoded = Path.Combine(directory.FullName, "decoded.pcm");
            await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. input, "-f", "s16le", "-ar", "24000", "-ac", "1", decoded]);
            var samples = new FileInfo(decoded).Length / 2;
            return (codec, TimeSpan.FromSeconds(samples / 24000.0));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    /// <summary>What ffprobe reads from an image: codec and pixel size.</summary>
    public static async Task<(string Codec, int Width, int Height)> ProbeImageAsync(byte[] image)
    {
        var directory = Directory.CreateTempSubdirectory("openai-mock-test-");
        try
        {
            var file = Path.Combine(directory.FullName, "image.bin");
            await File.WriteAllBytesAsync(file, image);
            var fields = (await RunAsync("ffprobe",
                ["-v", "error", "-select_streams", "v:0", "-show_entries", "stream=codec_name,width,height", "-of", "csv=p=0", file]))
                .Trim().Split(',');
            return (fields[0], int.Parse(fields[1], CultureInfo.InvariantCulture), int.Parse(fields[2], CultureInfo.InvariantCulture));
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }

    public static async Task<string> RunAsync(string tool, IEnumerable<string> arguments, string? workingDirectory = null,
        IDictionary<string, string>? environment = null, TimeSpan? timeout = null)
    {
        var startInfo = new ProcessStartInfo(tool)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Environment.CurrentDirectory,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        foreach (var (name, value) in environment ?? new Dictionary<string, string>())
        {
            startInfo.Environment[name] = value;
        }

        using var process = Process.Start(startInfo)!;
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(30));
        var stdout = process.StandardOutput.ReadToEndAsync(deadline.Token);
        var stderr = process.StandardError.ReadToEndAsync(deadline.Token);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"{tool} did not finish in time.");
        }

        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{tool} exited with {process.ExitCode}: {await stderr}\n{await stdout}");
        }

        return await stdout;
    }
}
