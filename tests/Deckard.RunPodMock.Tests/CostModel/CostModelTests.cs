using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Tests.CostModel;

/// <summary>The render-time model: steps × windows × resolution, scaled (reference §2.6).</summary>
public sealed class CostModelTests
{
    private static readonly CostModelOptions Model = new() { TimeScale = 1, SetupSeconds = 5, SecondsPerStepWindow = 1.4 };

    private static GenerateRequest Request(int steps = 10, int width = 512, int height = 512, int clip = 81, int overlap = 5, string mode = "Normal") =>
        new(mode, 0, 5, clip, "image.png", "audio.wav", "", "", width, height, 6, steps, 3, 5, 25, 25, overlap, 42);

    [Theory]
    [InlineData(3.2, 1)]
    [InlineData(5.0, 2)]
    [InlineData(10.0, 4)]
    [InlineData(30.0, 12)]
    public void Windows_follow_the_sliding_window_of_21_latent_frames_with_an_overlap_of_5(double audioSeconds, int windows)
    {
        var cost = StableAvatar.CostModel.Estimate(Request(), (int)(audioSeconds * 25), Model, timeScale: 1);

        Assert.Equal(windows, cost.Windows);
    }

    [Fact]
    public void Cost_grows_linearly_with_steps_windows_and_pixels_on_top_of_the_setup()
    {
        var baseline = StableAvatar.CostModel.Estimate(Request(), 250, Model, 1);
        var moreSteps = StableAvatar.CostModel.Estimate(Request(steps: 20), 250, Model, 1);
        var morePixels = StableAvatar.CostModel.Estimate(Request(width: 1024), 250, Model, 1);

        Assert.Equal(5 + (1.4 * 10 * 4), baseline.CostSeconds, precision: 6);
        Assert.Equal((baseline.CostSeconds - 5) * 2, moreSteps.CostSeconds - 5, precision: 6);
        Assert.Equal((baseline.CostSeconds - 5) * 2, morePixels.CostSeconds - 5, precision: 6);
    }

    [Fact]
    public void The_time_scale_shrinks_the_simulated_time_and_offloading_slows_it()
    {
        var scaled = StableAvatar.CostModel.Estimate(Request(), 250, Model, timeScale: 0.01);
        var offloaded = StableAvatar.CostModel.Estimate(Request(mode: "sequential_cpu_offload"), 250, Model, 1);

        Assert.Equal(scaled.CostSeconds * 0.01, scaled.Simulated.TotalSeconds, precision: 6);
        Assert.True(offloaded.CostSeconds > scaled.CostSeconds * 3);
    }

    [Fact]
    public void A_10_second_clip_with_the_app_defaults_costs_about_a_minute_on_the_reference_gpu()
    {
        var cost = StableAvatar.CostModel.Estimate(Request(), 250, Model, 1);

        Assert.InRange(cost.CostSeconds, 45, 75);
    }
}
