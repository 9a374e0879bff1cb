using System.Globalization;
using System.Text.Json;
using Deckard.Core.Media;

using Deckard.DistributedTests.Infrastructure;

namespace Deckard.DistributedTests;

/// <summary>Portrait and speech prepared for StableAvatar with the real ffmpeg.</summary>
public sealed class MediaPreparationTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deckard-media-").FullName;

    [Fact]
    public async Task Speech_becomes_16_khz_mono_wav_of_the_same_length()
    {
        var input = await ToneAsync(seconds: 5, rate: 44100, channels: 2, "in.mp3");
        var output = Path.Combine(_folder, "out.wav");

        var duration = await MediaPreparation.PrepareSpeechAsync(input, output, TimeSpan.FromSeconds(3.24), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), CancellationToken.None);

        var (rate, channels, seconds) = await ProbeAudioAsync(output);
        Assert.Equal((16000, 1), (rate, channels));
        Assert.InRange(seconds, 4.95, 5.05);
        Assert.InRange(duration.TotalSeconds, 4.95, 5.05);
    }

    [Fact]
    public async Task Speech_shorter_than_one_window_is_padded_to_a_window()
    {
        var input = await ToneAsync(seconds: 2, rate: 22050, channels: 1, "short.wav");
        var output = Path.Combine(_folder, "padded.wav");

        await MediaPreparation.PrepareSpeechAsync(input, output, MediaPreparation.MinimumWindow(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), CancellationToken.None);

        Assert.InRange((await ProbeAudioAsync(output)).Seconds, 3.22, 3.27);
    }

    [Fact]
    public async Task Speech_too_short_to_pad_is_refused_with_the_minimum()
    {
        var input = await ToneAsync(seconds: 0.4, rate: 16000, channels: 1, "blip.wav");

        var error = await Assert.ThrowsAsync<MediaPreparationException>(() => MediaPreparation.PrepareSpeechAsync(
            input, Path.Combine(_folder, "x.wav"), MediaPreparation.MinimumWindow(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(60), CancellationToken.None));

        Assert.Contains("at least 1.0 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speech_over_the_cap_is_refused_with_the_cap()
    {
        var input = await ToneAsync(seconds: 8, rate: 16000, channels: 1, "long.wav");

        var error = await Assert.ThrowsAsync<MediaPreparationException>(() => MediaPreparation.PrepareSpeechAsync(
            input, Path.Combine(_folder, "x.wav"), MediaPreparation.MinimumWindow(), TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(5), CancellationToken.None));

        Assert.Contains("at most 5 s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_landscape_portrait_is_cropped_to_a_centred_square_of_the_render_size()
    {
        var input = Path.Combine(_folder, "landscape.png");
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", "testsrc=size=1024x640", "-frames:v", "1", input);
        var output = Path.Combine(_folder, "portrait.png");

        await MediaPreparation.PreparePortraitAsync(input, output, 512, CancellationToken.None);

        var json = await ExternalTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=width,height,codec_name", "-of", "json", output);
        using var document = JsonDocument.Parse(json);
        var stream = document.RootElement.GetProperty("streams")[0];
        Assert.Equal((512, 512, "png"), (stream.GetProperty("width").GetInt32(), stream.GetProperty("height").GetInt32(), stream.GetProperty("codec_name").GetString()));
    }

    [Fact]
    public async Task A_file_that_is_not_media_is_refused_with_ffmpegs_reason()
    {
        var input = Path.Combine(_folder, "notes.txt");
        await File.WriteAllTextAsync(input, "not an image");

        await Assert.ThrowsAsync<MediaPreparationException>(() => MediaPreparation.PreparePortraitAsync(input, Path.Combine(_folder, "x.png"), 512, CancellationToken.None));
    }

    private async Task<string> ToneAsync(double seconds, int rate, int channels, string name)
    {
        var path = Path.Combine(_folder, name);
        await ExternalTool.RunAsync("ffmpeg", "-v", "error", "-y", "-f", "lavfi", "-i", $"sine=frequency=220:sample_rate={rate}:duration={seconds.ToString(CultureInfo.InvariantCulture)}",
            "-ac", channels.ToString(CultureInfo.InvariantCulture), path);
        return path;
    }

    private static async Task<(int Rate, int Channels, double Seconds)> ProbeAudioAsync(string path)
    {
        var json = await ExternalTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=sample_rate,channels:format=duration", "-of", "json", path);
        using var document = JsonDocument.Parse(json);
        var stream = document.RootElement.GetProperty("streams")[0];
        return (int.Parse(stream.GetProperty("sample_rate").GetString()!, CultureInfo.InvariantCulture), stream.GetProperty("channels").GetInt32(),
            double.Parse(document.RootElement.GetProperty("format").GetProperty("duration").GetString()!, CultureInfo.InvariantCulture));
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);
}
