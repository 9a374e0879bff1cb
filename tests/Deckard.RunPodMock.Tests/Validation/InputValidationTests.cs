using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Validation;

/// <summary>
/// Inputs checked as Gradio and the model check them (reference §1.4, §1.10, §2.2, §4.2, §5): range and choice checks
/// are gr.Error (message visible on the queue protocol, <c>null</c> on 5.x <c>/call</c>); file and integer problems are
/// exceptions (<c>{"error": null}</c> unless show_error).
/// </summary>
public sealed class InputValidationTests(RunPodMockServer server) : StandInTest(server)
{
    private async Task<JsonObject> CompletedOnQueueAsync(JsonArray data)
    {
        var session = GradioApi.NewSessionHash();
        await Api.JoinForEventAsync(session, data);
        await using var stream = await Api.QueueDataAsync(session);
        var (completed, _) = await stream.ReadUntilAsync(frame => frame.Msg == "process_completed");
        return (JsonObject)completed!.Json!;
    }

    [Theory]
    [InlineData("num_inference_steps", 200, "Value 200 is greater than maximum value 100.")]
    [InlineData("clip_sample_n_frames", 21, "Value 21 is less than minimum value 41.")]
    [InlineData("guidance_scale", 10.5, "Value 10.5 is greater than maximum value 10.0.")]
    [InlineData("width", 4096, "Value 4096 is greater than maximum value 2048.")]
    public async Task A_slider_out_of_its_range_fails_with_gradios_message_on_the_queue_protocol(string name, double value, string message)
    {
        var data = await Api.InputsAsync(change: inputs => GradioApi.Set(inputs, name,
            value == Math.Floor(value) ? JsonValue.Create((long)value) : JsonValue.Create(value)));

        var completed = await CompletedOnQueueAsync(data);

        Assert.False((bool)completed["success"]!);
        Assert.Equal("Error", (string?)completed["title"]);
        var output = (JsonObject)completed["output"]!;
        Assert.Equal(message, (string?)output["error"]);
        Assert.Equal(10, (int)output["duration"]!);
        Assert.True((bool)output["visible"]!);
        Assert.Equal("Error", (string?)output["title"]);
    }

    [Fact]
    public async Task The_same_range_failure_reaches_a_5x_call_as_error_with_null_data()
    {
        var data = await Api.InputsAsync(change: inputs => GradioApi.Set(inputs, "num_inference_steps", 200));

        var frames = await Api.CallAndReadAsync(data);

        var error = Assert.Single(frames, frame => frame.Event != "heartbeat");
        Assert.Equal("error", error.Event);
        Assert.Equal("null", error.Data);
    }

    [Fact]
    public async Task The_4x_layout_does_not_check_slider_ranges()
    {
        await Admin.SettingsAsync(new { gradio_version = 4 });
        var data = await Api.InputsAsync(prefix: "", change: inputs => GradioApi.Set(inputs, "num_inference_steps", 101));

        var frames = await Api.CallAndReadAsync(data, prefix: "");

        Assert.Contains(frames, frame => frame.Event == "complete");
    }

    [Fact]
    public async Task A_dropdown_value_outside_its_choices_fails_with_a_gr_error_naming_the_choices()
    {
        var data = await Api.InputsAsync(change: inputs => GradioApi.Set(inputs, "GPU_memory_mode", "Turbo"));

        var completed = await CompletedOnQueueAsync(data);

        Assert.Equal("Value: 'Turbo' is not in the list of choices: ['Normal', 'model_cpu_offload', 'model_cpu_offload_and_qfloat8', 'sequential_cpu_offload']",
            (string?)completed["output"]!["error"]);
    }

    [Fact]
    public async Task An_audio_file_object_without_meta_fails_as_an_exception_with_error_null()
    {
        var data = await Api.InputsAsync(change: inputs => ((JsonObject)inputs[GradioApi.IndexOf("audio_path")]!).Remove("meta"));

        var completed = await CompletedOnQueueAsync(data);

        Assert.False((bool)completed["success"]!);
        Assert.Equal("Error", (string?)completed["title"]);
        Assert.Equal("{\"error\":null}", completed["output"]!.ToJsonString());
    }

    [Fact]
    public async Task The_4x_layout_takes_a_file_object_without_meta()
    {
        await Admin.SettingsAsync(new { gradio_version = 4 });
        var data = await Api.InputsAsync(prefix: "", change: inputs =>
        {
            ((JsonObject)inputs[GradioApi.IndexOf("audio_path")]!).Remove("meta");
            ((JsonObject)inputs[GradioApi.IndexOf("image_path")]!).Remove("meta");
        });

        var frames = await Api.CallAndReadAsync(data, prefix: "");

        Assert.Contains(frames, frame => frame.Event == "complete");
    }

    [Fact]
    public async Task A_path_that_was_not_uploaded_fails_and_shows_why_only_with_show_error()
    {
        var data = await Api.InputsAsync(change: inputs => GradioApi.Set(inputs, "audio_path", GradioApi.FileObject("/etc/hostname", "hostname")));
        var hidden = await CompletedOnQueueAsync(data);
        await Admin.SettingsAsync(new { show_error = true });

        var shown = await CompletedOnQueueAsync(data);

        Assert.Null(hidden["output"]!["error"]);
        Assert.Equal("ValueError: File /etc/hostname is not in the upload folder and cannot be accessed.", (string?)shown["output"]!["error"]);
        Assert.False(((JsonObject)shown["output"]!).ContainsKey("duration"));
    }

    [Theory]
    [InlineData("seed_param", "42.0")]
    [InlineData("num_inference_steps", "1.0")]
    [InlineData("width", "256.0")]
    [InlineData("overlap_window_length", "5.0")]
    public async Task A_float_where_the_model_needs_an_integer_fails_like_the_torch_call_would(string name, string json)
    {
        await Admin.SettingsAsync(new { show_error = true });
        var data = await Api.InputsAsync(change: inputs => GradioApi.Set(inputs, name, JsonNode.Parse(json)));

        var completed = await CompletedOnQueueAsync(data);

        Assert.False((bool)completed["success"]!);
        Assert.StartsWith($"TypeError: {name}={json}", (string?)completed["output"]!["error"], StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_float_where_a_float_is_fine_renders()
    {
        var data = await Api.InputsAsync(change: inputs => GradioApi.Set(inputs, "fps", 24.0));

        var frames = await Api.CallAndReadAsync(data);

        Assert.Contains(frames, frame => frame.Event == "complete");
    }

    [Fact]
    public async Task Audio_shorter_than_one_generation_window_gives_no_video()
    {
        await Admin.SettingsAsync(new { show_error = true });
        var data = await Api.InputsAsync(audio: Server.Media.ShortSpeech);

        var completed = await CompletedOnQueueAsync(data);

        Assert.False((bool)completed["success"]!);
        Assert.Contains("fewer than one 41-frame window", (string?)completed["output"]!["error"], StringComparison.Ordinal);
        Assert.All(await Admin.JobsAsync(), job => Assert.Null(job!["output_path"]));
    }

    [Fact]
    public async Task Fewer_inputs_than_the_app_declares_fail()
    {
        var data = await Api.InputsAsync();
        data.RemoveAt(data.Count - 1);

        var completed = await CompletedOnQueueAsync(data);

        Assert.False((bool)completed["success"]!);
        Assert.Null(completed["output"]!["error"]);
    }

    [Fact]
    public async Task An_image_that_is_not_an_image_fails_as_an_exception()
    {
        await Admin.SettingsAsync(new { show_error = true });
        var paths = await Api.UploadAsync(GradioApi.Prefix, (System.Text.Encoding.UTF8.GetBytes("not a picture"), "face.png"), (Server.Media.Speech, "speech.wav"));
        var data = GradioApi.Inputs(GradioApi.FileObject(paths[0], "face.png"), GradioApi.FileObject(paths[1], "speech.wav"));

        var completed = await CompletedOnQueueAsync(data);

        Assert.StartsWith("PIL.UnidentifiedImageError", (string?)completed["output"]!["error"], StringComparison.Ordinal);
    }
}
