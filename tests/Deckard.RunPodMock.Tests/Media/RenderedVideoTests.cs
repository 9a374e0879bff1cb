using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Media;

/// <summary>The output is a real, playable MP4 made from the inputs (the acceptance, checked with ffprobe and ffmpeg).</summary>
public sealed class RenderedVideoTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task The_video_is_h264_and_aac_as_long_as_the_audio_at_the_requested_fps_and_size()
    {
        var data = await Api.InputsAsync(change: inputs =>
        {
            GradioApi.Set(inputs, "width", 320);
            GradioApi.Set(inputs, "height", 256);
            GradioApi.Set(inputs, "fps", 30);
        });

        var frames = await Api.CallAndReadAsync(data);
        var video = await Api.DownloadAsync(GradioApi.VideoFile(frames.Single(frame => frame.Event == "complete").Json!));
        var probe = await Server.Media.ProbeAsync(video);
        var audioSeconds = await Server.Media.AudioSecondsAsync(Server.Media.Speech);

        Assert.Equal("h264", probe.VideoCodec);
        Assert.Equal("aac", probe.AudioCodec);
        Assert.Equal(320, probe.Width);
        Assert.Equal(256, probe.Height);
        Assert.Equal("30/1", probe.FrameRate);
        Assert.InRange(probe.Duration, audioSeconds - 0.2, audioSeconds + 0.2);
        Assert.InRange(probe.AudioDuration, audioSeconds - 0.2, audioSeconds + 0.2);
    }

    [Fact]
    public async Task Frames_change_over_time_as_the_audio_gets_louder_and_quieter()
    {
        var frames = await Api.CallAndReadAsync(await Api.InputsAsync());
        var video = await Api.DownloadAsync(GradioApi.VideoFile(frames.Single(frame => frame.Event == "complete").Json!));

        // The test audio is quietest at 0 s and 1 s and loudest at 0.5 s and 1.5 s.
        var quiet = await Server.Media.GreyFrameAsync(video, 1.0);
        var loud = await Server.Media.GreyFrameAsync(video, 1.5);
        var changed = quiet.Zip(loud).Count(pair => Math.Abs(pair.First - pair.Second) > 24);

        Assert.Equal(256 * 256, quiet.Length);
        Assert.Equal(quiet.Length, loud.Length);
        Assert.True(changed > quiet.Length / 100, $"only {changed} of {quiet.Length} pixels changed between a quiet and a loud frame");
    }

    [Fact]
    public async Task The_first_frame_is_the_reference_image_resized_to_the_requested_size()
    {
        var frames = await Api.CallAndReadAsync(await Api.InputsAsync());
        var video = await Api.DownloadAsync(GradioApi.VideoFile(frames.Single(frame => frame.Event == "complete").Json!));

        var first = await Server.Media.GreyFrameAsync(video, 0);
        var top = first.Take(256 * 100).ToArray();
        var distinctShades = top.Select(pixel => pixel / 32).Distinct().Count();

        Assert.True(distinctShades >= 4, "the top of the first frame should show the test card's colour bars");
    }
}
