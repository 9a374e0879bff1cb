using System.Diagnostics;
using System.Globalization;
using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Tests.Infrastructure;

/// <summary>Test inputs made with ffmpeg (a portrait and speech-like audio whose loudness swells once a second), and ffprobe checks of outputs.</summary>
public sealed class TestMedia : IDisposable
{
    private readonly DirectoryInfo _directory = Directory.CreateTempSubdirectory("runpod-mock-test-");

    /// <summary>A 320×240 PNG (ffmpeg's test card).</summary>
    public byte[] Portrait { get; private set; } = [];

    /// <summary>2.2 s of 22.05 kHz mono WAV: a 220 Hz tone whose loudness swells from silence to full once a second.</summary>
    public byte[] Speech { get; private set; } = [];

    public const double SpeechSeconds = 2.2;

    /// <summary>1 s of the same: shorter than one 41-frame window at 25 fps (1.64 s).</summary>
    public byte[] ShortSpeech { get; private set; } = [];

    public async Task InitializeAsync()
    {
        Portrait = await MakeAsync("portrait.png", ["-f", "lavfi", "-i", "testsrc=size=320x240:rate=1", "-frames:v", "1"]);
        Speech = await MakeAsync("speech.wav", SpeechArguments(SpeechSeconds));
        ShortSpeech = await MakeAsync("short.wav", SpeechArguments(1.0));
    }

    private static string[] SpeechArguments(double seconds) =>
    [
        "-f", "lavfi", "-i", $"sine=frequency=220:sample_rate=22050:duration={seconds.ToString(CultureInfo.InvariantCulture)}",
        "-af", "volume='0.05+0.95*abs(sin(PI*t))':eval=frame", "-ac", "1",
    ];

    private async Task<byte[]> MakeAsync(string name, string[] arguments)
    {
        var path = Path.Combine(_directory.FullName, name);
        await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", .. arguments, path]);
        return await File.ReadAllBytesAsync(path);
    }

    public sealed record VideoProbe(string VideoCodec, string AudioCodec, int Width, int Height, string FrameRate, double Duration, double AudioDuration);

    /// <summary>What ffprobe reads from an MP4: codecs, size, frame rate, container and audio durations.</summary>
    public async Task<VideoProbe> ProbeAsync(byte[] video)
    {
        var path = await SaveAsync(video, ".mp4");
        var streams = JsonNode.Parse(await RunAsync("ffprobe",
            ["-v", "error", "-show_entries", "stream=codec_type,codec_name,width,height,r_frame_rate,duration:format=duration", "-of", "json", path]))!;
        var video0 = ((JsonArray)streams["streams"]!).First(stream => (string?)stream!["codec_type"] == "video")!;
        var audio0 = ((JsonArray)streams["streams"]!).First(stream => (string?)stream!["codec_type"] == "audio")!;
        return new VideoProbe(
            (string)video0["codec_name"]!,
            (string)audio0["codec_name"]!,
            (int)video0["width"]!,
            (int)video0["height"]!,
            (string)video0["r_frame_rate"]!,
            double.Parse((string)streams["format"]!["duration"]!, CultureInfo.InvariantCulture),
            double.Parse((string)audio0["duration"]!, CultureInfo.InvariantCulture));
    }

    /// <summary>The frame shown at a time, decoded to 8-bit grey pixels.</summary>
    public async Task<byte[]> GreyFrameAsync(byte[] video, double seconds)
    {
        var path = await SaveAsync(video, ".mp4");
        var frame = Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + ".gray");
        await RunAsync("ffmpeg",
            ["-hide_banner", "-loglevel", "error", "-y", "-ss", seconds.ToString(CultureInfo.InvariantCulture), "-i", path, "-frames:v", "1", "-f", "rawvideo", "-pix_fmt", "gray", frame]);
        return await File.ReadAllBytesAsync(frame);
    }

    /// <summary>Duration of decodable audio in seconds (decoded to the end, so it is the true length).</summary>
    public async Task<double> AudioSecondsAsync(byte[] audio)
    {
        var path = await SaveAsync(audio, ".wav");
        var pcm = Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + ".pcm");
        await RunAsync("ffmpeg", ["-hide_banner", "-loglevel", "error", "-y", "-i", path, "-f", "s16le", "-ac", "1", "-ar", "16000", pcm]);
        return new FileInfo(pcm).Length / 2 / 16000.0;
    }

    private async Task<string> SaveAsync(byte[] content, string extension)
    {
        var path = Path.Combine(_directory.FullName, Guid.NewGuid().ToString("N") + extension);
        await File.WriteAllBytesAsync(path, content);
        return path;
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
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
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

    public void Dispose() => _directory.Delete(recursive: true);
}
