using System.Diagnostics;
using System.Globalization;

namespace Deckard.Benchmarks;

/// <summary>A lip-sync session's inputs, made on this machine: a 640×480 test-card portrait and a clip of espeak-ng speech padded to its length.</summary>
internal sealed class LipsyncMedia
{
    public const double ClipSeconds = 10;

    private LipsyncMedia(byte[] portrait, byte[] speech)
    {
        Portrait = portrait;
        Speech = speech;
    }

    public byte[] Portrait { get; }

    public byte[] Speech { get; }

    public static async Task<LipsyncMedia> CreateAsync()
    {
        var folder = Directory.CreateTempSubdirectory("deckard-lipsync-media-").FullName;
        try
        {
            var portrait = Path.Combine(folder, "portrait.png");
            var speech = Path.Combine(folder, "speech.wav");
            var raw = Path.Combine(folder, "raw.wav");
            await RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc2=size=640x480", "-frames:v", "1", portrait);
            await RunAsync("espeak-ng", "-w", raw, "This is a ten second clip of speech, spoken so that the avatar has something to say while the benchmark measures how long everything around the render takes.");
            await RunAsync("ffmpeg", "-v", "error", "-y", "-i", raw, "-af", "apad", "-t", ClipSeconds.ToString(CultureInfo.InvariantCulture), speech);
            return new LipsyncMedia(await File.ReadAllBytesAsync(portrait), await File.ReadAllBytesAsync(speech));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Runs a tool to its end; a non-zero exit is an error carrying what it wrote to stderr.</summary>
    public static async Task RunAsync(string program, params string[] arguments)
    {
        var startInfo = new ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo)!;
        var output = process.StandardOutput.ReadToEndAsync(); // read, not shown (ffmpeg -version prints its build)
        var errors = await process.StandardError.ReadToEndAsync();
        await output;
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"{program} failed: {errors}");
        }
    }
}
