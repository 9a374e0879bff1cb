using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.Core.StableAvatar;

namespace Deckard.UnitTests.Pipeline;

public sealed class RenderEstimateTests
{
    private static readonly GradioApp App = new(new Uri("http://pod"), "/gradio_api", "5.49.1",
    [
        Parameter("image_path"),
        Parameter("num_inference_steps"),
        Parameter("width"),
        Parameter("height"),
        Parameter("clip_sample_n_frames"),
        Parameter("overlap_window_length"),
        Parameter("fps"),
    ]);

    [Fact]
    public void Ten_seconds_at_the_apps_defaults_take_four_windows_of_ten_steps()
    {
        // 62.5 latent frames; windows of 21 starting every 16: 1 + ceil(41.5 / 16) = 4. 5 s + 1.4 s × 10 × 4 = 61 s.
        var estimate = RenderEstimate.Of(App, Data(steps: 10, size: 512), TimeSpan.FromSeconds(10), new RenderCostOptions());

        Assert.Equal(61, estimate.TotalSeconds, precision: 6);
    }

    [Fact]
    public void Steps_and_resolution_multiply_the_cost_and_the_scale_multiplies_everything()
    {
        var estimate = RenderEstimate.Of(App, Data(steps: 50, size: 1024), TimeSpan.FromSeconds(10), new RenderCostOptions { Scale = 0.5 });

        Assert.Equal((5 + (1.4 * 50 * 4 * 4)) * 0.5, estimate.TotalSeconds, precision: 6);
    }

    [Fact]
    public void Speech_within_one_window_is_one_window()
    {
        // 3.2 s is 20 latent frames, inside one 21-frame window.
        var estimate = RenderEstimate.Of(App, Data(steps: 10, size: 512), TimeSpan.FromSeconds(3.2), new RenderCostOptions());

        Assert.Equal(5 + 14, estimate.TotalSeconds, precision: 6);
    }

    private static JsonArray Data(int steps, int size) =>
        [new JsonObject { ["path"] = "/tmp/x.png" }, steps, size, size, 81, 5, 25];

    private static GradioParameter Parameter(string name) =>
        new(name, HasDefault: true, Default: JsonDocument.Parse("0").RootElement, Component: "Slider", IsInteger: true, Minimum: null, Maximum: null);
}
