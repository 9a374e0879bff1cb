using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.StableAvatar;

/// <summary>
/// StableAvatar's Gradio app (Francis-Rings/StableAvatar <c>app.py</c>, 18-input version): the <c>generate</c> event, its
/// inputs in order with defaults and ranges, its outputs, and the ids Gradio's running counter gives them.
/// </summary>
public static class StableAvatarApp
{
    public const string ApiName = "generate";

    /// <summary>The language switch registers its event first, so <c>generate</c> is dependency 1 (never hard-code it).</summary>
    public const int GenerateDependencyId = 1;

    public const int GenerateButtonId = 18;
    public const int VideoOutputId = 40;
    public const int SeedOutputId = 41;
    public const int StatusOutputId = 39;

    public const string DefaultNegativePrompt =
        "色调艳丽，过曝，静态，细节模糊不清，字幕，风格，作品，画作，画面，静止，整体发灰，最差质量，低质量，JPEG压缩残留，丑陋的，残缺的，多余的手指，画得不好的手部，画得不好的脸部，畸形的，毁容的，形态畸形的肢体，手指融合，静止不动的画面，杂乱的背景，三条腿，背景人很多，倒着走";

    public static IReadOnlyList<string> MemoryModes { get; } =
        ["Normal", "model_cpu_offload", "model_cpu_offload_and_qfloat8", "sequential_cpu_offload"];

    public static IReadOnlyList<GenerateParameter> Parameters { get; } =
    [
        new("GPU_memory_mode", "GPU Memory Mode", ComponentKind.Dropdown, 5, Default: "Normal", Choices: MemoryModes),
        new("teacache_threshold", "TeaCache Threshold", ComponentKind.Slider, 6, Default: 0, Minimum: "0", Maximum: "1", Step: "0.01"),
        new("num_skip_start_steps", "Skip Start Steps", ComponentKind.Slider, 7, Default: 5, Minimum: "0", Maximum: "100", Step: "1"),
        new("clip_sample_n_frames", "Clip Sample Frames", ComponentKind.Slider, 9, Default: 81, Minimum: "41", Maximum: "321", Step: "4", ModelNeedsInteger: true),
        new("image_path", "Upload Reference Image", ComponentKind.Image, 14),
        new("audio_path", "Upload Audio", ComponentKind.Audio, 15),
        new("prompt", "Prompt", ComponentKind.Textbox, 16, Default: ""),
        new("negative_prompt", "Negative Prompt", ComponentKind.Textbox, 17, Default: DefaultNegativePrompt),
        new("width", "Width", ComponentKind.Slider, 21, Default: 512, Minimum: "256", Maximum: "2048", Step: "16", ModelNeedsInteger: true),
        new("height", "Height", ComponentKind.Slider, 22, Default: 512, Minimum: "256", Maximum: "2048", Step: "16", ModelNeedsInteger: true),
        new("guidance_scale", "Guidance Scale", ComponentKind.Slider, 27, Default: 6.0, Minimum: "1.0", Maximum: "10.0", Step: "0.1"),
        new("num_inference_steps", "Sampling Steps (50 recommended)", ComponentKind.Slider, 28, Default: 10, Minimum: "1", Maximum: "100", Step: "1", ModelNeedsInteger: true),
        new("text_guide_scale", "Text Guidance Scale", ComponentKind.Slider, 30, Default: 3.0, Minimum: "1.0", Maximum: "10.0", Step: "0.1"),
        new("audio_guide_scale", "Audio Guidance Scale", ComponentKind.Slider, 31, Default: 5.0, Minimum: "1.0", Maximum: "10.0", Step: "0.1"),
        new("motion_frame", "Motion Frame", ComponentKind.Slider, 33, Default: 25, Minimum: "1", Maximum: "50", Step: "1", ModelNeedsInteger: true),
        new("fps", "FPS", ComponentKind.Slider, 34, Default: 25, Minimum: "1", Maximum: "60", Step: "1"),
        new("overlap_window_length", "Overlap Window Length", ComponentKind.Slider, 36, Default: 5, Minimum: "1", Maximum: "20", Step: "1", ModelNeedsInteger: true),
        new("seed_param", "Seed (-1 for random)", ComponentKind.Number, 37, Default: -1, ModelNeedsInteger: true),
    ];

    public static GenerateParameter Parameter(string name) => Parameters.Single(parameter => parameter.Name == name);

    public static int IndexOf(string name)
    {
        for (var index = 0; index < Parameters.Count; index++)
        {
            if (Parameters[index].Name == name)
            {
                return index;
            }
        }

        throw new ArgumentException($"No parameter named {name}.", nameof(name));
    }

    /// <summary>The example Gradio's <c>/info</c> shows for a component (its <c>example_payload</c>).</summary>
    public static JsonNode? ExampleInput(GenerateParameter parameter) => parameter.Kind switch
    {
        ComponentKind.Dropdown => parameter.Choices![0],
        ComponentKind.Slider => JsonNode.Parse(parameter.Minimum!),
        ComponentKind.Number => 3,
        ComponentKind.Textbox => "Hello!!",
        ComponentKind.Image => ExampleFile("https://raw.githubusercontent.com/gradio-app/gradio/main/test/test_files/bus.png"),
        ComponentKind.Audio => ExampleFile("https://github.com/gradio-app/gradio/raw/main/test/test_files/audio_sample.wav"),
        _ => null,
    };

    private static JsonObject ExampleFile(string url) => new()
    {
        ["path"] = url,
        ["meta"] = new JsonObject { ["_type"] = "gradio.FileData" },
        ["orig_name"] = url[(url.LastIndexOf('/') + 1)..],
        ["url"] = url,
    };
}
