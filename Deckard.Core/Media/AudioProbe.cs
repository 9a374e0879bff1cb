using System.Buffers.Binary;
using System.Globalization;
using System.Text.Json;

namespace Deckard.Core.Media;

/// <summary>What ffprobe says of a file: whether it holds decodable audio, and how long it is.</summary>
public sealed record AudioProbeResult(bool IsValid, TimeSpan Duration, string? Problem);

public static class AudioProbe
{
    /// <summary>
    /// Checks the file: a plain PCM WAV (what browsers' recorders and most tools write) is read in process, its length
    /// from its header; anything else, or a WAV whose header does not add up, goes to ffprobe. Starting ffprobe costs
    /// about 100 ms of CPU, most of what accepting a spoken session costs.
    /// </summary>
    public static async Task<AudioProbeResult> ProbeAsync(string path, AudioFormat format, CancellationToken cancellationToken)
    {
        if (format == AudioFormat.Wav)
        {
            if (WavProblem(path) is { } wavProblem)
            {
                return new AudioProbeResult(false, TimeSpan.Zero, wavProblem);
            }

            if (PcmWavDuration(path) is { } length)
            {
                return new AudioProbeResult(true, length, null);
            }
        }

        var probe = await MediaTool.RunAsync(
            "ffprobe", ["-v", "error", "-show_entries", "format=duration:stream=codec_type", "-of", "json", path],
            cancellationToken, TimeSpan.FromSeconds(30));
        if (!probe.Succeeded)
        {
            return new AudioProbeResult(false, TimeSpan.Zero, FirstLine(probe.Errors) ?? "ffprobe could not read it");
        }

        var json = probe.Output;
        using var document = JsonDocument.Parse(json);
        var hasAudio = document.RootElement.TryGetProperty("streams", out var streams)
            && streams.EnumerateArray().Any(stream => stream.TryGetProperty("codec_type", out var type) && type.GetString() == "audio");
        if (!hasAudio)
        {
            return new AudioProbeResult(false, TimeSpan.Zero, "it contains no audio stream");
        }

        var duration = document.RootElement.TryGetProperty("format", out var formatElement)
            && formatElement.TryGetProperty("duration", out var durationElement)
            && double.TryParse(durationElement.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds)
                ? TimeSpan.FromSeconds(seconds)
                : TimeSpan.Zero;
        return duration > TimeSpan.Zero
            ? new AudioProbeResult(true, duration, null)
            : new AudioProbeResult(false, TimeSpan.Zero, "its duration cannot be determined");
    }

    /// <summary>
    /// The length of a WAV holding integer PCM (format 1, or 0xFFFE with the PCM subformat) or IEEE float (3), from its
    /// <c>fmt </c> chunk and the size of its <c>data</c> chunk; null when anything is unusual (another codec, an unknown
    /// data length, fields that contradict each other), which leaves the file to ffprobe.
    /// </summary>
    internal static TimeSpan? PcmWavDuration(string path)
    {
        using var file = File.OpenRead(path);
        return WavSamples.ReadLayout(file) is { LengthDeclared: true } layout
            ? TimeSpan.FromSeconds(layout.DeclaredDataBytes / (double)(layout.SampleRate * layout.BlockAlign))
            : null;
    }

    /// <summary>A WAV whose data chunk claims more bytes than the file holds was cut off in transit.</summary>
    private static string? WavProblem(string path)
    {
        using var file = File.OpenRead(path);
        Span<byte> header = stackalloc byte[8];
        file.Position = 12;
        while (file.Position + 8 <= file.Length)
        {
            file.ReadExactly(header);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (header[..4].SequenceEqual("data"u8))
            {
                var available = file.Length - file.Position;
                // Streaming writers put 0 or 0xFFFFFFFF when the length was unknown; those are fine.
                return size is 0 or uint.MaxValue || size <= available
                    ? null
                    : $"the WAV data chunk announces {size} bytes but only {available} are present (the file is truncated)";
            }

            file.Position += size + (size & 1);
        }

        return "the WAV file has no data chunk";
    }

    private static string? FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault();
}
