using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Files;
using Deckard.RunPodMock.Gradio;

namespace Deckard.RunPodMock.StableAvatar;

/// <summary>
/// Turns the 18 values of a <c>generate</c> call into its arguments the way the real app does: first Gradio's
/// preprocessing (Dropdown choices, Slider ranges on 5.x+, file objects and where their files live), each failure a
/// <c>gr.Error</c> or an exception as Gradio raises it; then the checks the model itself enforces by crashing (integers
/// where torch needs them, sizes the VAE can tile, a window longer than its overlap).
/// </summary>
public sealed class GenerateInputs(GradioTempFolder folder, IHttpClientFactory httpClients, ILogger<GenerateInputs> logger)
{
    public const string UrlDownloadClient = "gradio-url-inputs";

    public async Task<(GenerateRequest? Request, RunFailure? Failure)> PrepareAsync(JsonArray data, GradioFlavor flavor, CancellationToken cancellationToken)
    {
        var parameters = StableAvatarApp.Parameters;
        if (data.Count < parameters.Count)
        {
            return (null, RunFailure.Crash(
                $"An event handler (generate) didn't receive enough input values (needed: {parameters.Count}, got: {data.Count}).\n" +
                "Check if the event handler calls a Javascript function, and make sure its return value is correct.\n" +
                "Wanted inputs:\n    [" + string.Join(", ", parameters.Select(parameter => parameter.ComponentName)) + "]"));
        }

        var numbers = new Dictionary<string, NumberInput?>(StringComparer.Ordinal);
        var texts = new Dictionary<string, string?>(StringComparer.Ordinal);
        var files = new Dictionary<string, string?>(StringComparer.Ordinal);
        for (var index = 0; index < parameters.Count; index++)
        {
            var parameter = parameters[index];
            var value = data[index];
            RunFailure? failure = null;
            switch (parameter.Kind)
            {
                case ComponentKind.Dropdown:
                    (texts[parameter.Name], failure) = Dropdown(parameter, value);
                    break;
                case ComponentKind.Slider:
                case ComponentKind.Number:
                    (numbers[parameter.Name], failure) = Numeric(parameter, value, flavor);
                    break;
                case ComponentKind.Textbox:
                    texts[parameter.Name] = Text(value);
                    break;
                case ComponentKind.Image:
                case ComponentKind.Audio:
                    (files[parameter.Name], failure) = await FileAsync(parameter, value, flavor, cancellationToken);
                    break;
            }

            if (failure is not null)
            {
                return (null, failure);
            }
        }

        return Generate(numbers, texts, files);
    }

    /// <summary>The checks inside <c>generate()</c> and the pipeline: they fail as exceptions, not as gr.Error.</summary>
    private static (GenerateRequest?, RunFailure?) Generate(
        Dictionary<string, NumberInput?> numbers, Dictionary<string, string?> texts, Dictionary<string, string?> files)
    {
        if (numbers["seed_param"] is null)
        {
            return (null, RunFailure.Crash("TypeError: '<' not supported between instances of 'NoneType' and 'int'"));
        }

        foreach (var parameter in StableAvatarApp.Parameters.Where(parameter => parameter.Kind is ComponentKind.Slider or ComponentKind.Number))
        {
            if (numbers[parameter.Name] is not { } number)
            {
                return (null, RunFailure.Crash($"TypeError: unsupported operand type(s) for -: 'NoneType' and 'int' ({parameter.Name} is None)"));
            }

            if (parameter.ModelNeedsInteger && !number.IsInteger)
            {
                return (null, RunFailure.Crash(
                    $"TypeError: {parameter.Name}={number.Python} is a float where torch needs an int " +
                    "(send whole numbers as JSON integers, e.g. 42 rather than 42.0)."));
            }
        }

        if (files["image_path"] is not { } image)
        {
            return (null, RunFailure.Crash("AttributeError: 'NoneType' object has no attribute 'read' (no reference image was given)"));
        }

        if (files["audio_path"] is not { } audio)
        {
            return (null, RunFailure.Crash("TypeError: expected str, bytes or os.PathLike object, not NoneType (no audio was given)"));
        }

        var width = (int)numbers["width"]!.Value;
        var height = (int)numbers["height"]!.Value;
        if (width % 16 != 0 || height % 16 != 0)
        {
            return (null, RunFailure.Crash(
                $"RuntimeError: the latent of a {width}x{height} video cannot be tiled: width and height must be multiples of 16."));
        }

        var request = new GenerateRequest(
            MemoryMode: texts["GPU_memory_mode"] ?? "Normal",
            TeacacheThreshold: numbers["teacache_threshold"]!.Value,
            SkipStartSteps: numbers["num_skip_start_steps"]!.Value,
            ClipFrames: (int)numbers["clip_sample_n_frames"]!.Value,
            ImagePath: image,
            AudioPath: audio,
            Prompt: texts["prompt"] ?? "",
            NegativePrompt: texts["negative_prompt"] ?? "",
            Width: width,
            Height: height,
            GuidanceScale: numbers["guidance_scale"]!.Value,
            Steps: (int)numbers["num_inference_steps"]!.Value,
            TextGuideScale: numbers["text_guide_scale"]!.Value,
            AudioGuideScale: numbers["audio_guide_scale"]!.Value,
            MotionFrame: (int)numbers["motion_frame"]!.Value,
            Fps: numbers["fps"]!.Value,
            OverlapWindow: (int)numbers["overlap_window_length"]!.Value,
            SeedParam: (long)numbers["seed_param"]!.Value);

        if (request.Fps <= 0 || request.Steps < 1 || request.ClipFrames < 5)
        {
            return (null, RunFailure.Crash(
                $"ZeroDivisionError: fps={request.Fps}, num_inference_steps={request.Steps} and clip_sample_n_frames={request.ClipFrames} leave nothing to denoise."));
        }

        if (request.OverlapWindow >= request.LatentWindow)
        {
            return (null, RunFailure.Crash(
                $"RuntimeError: overlap_window_length={request.OverlapWindow} is not shorter than the {request.LatentWindow}-frame latent window, so the sliding window never advances."));
        }

        return (request, null);
    }

    private static (string?, RunFailure?) Dropdown(GenerateParameter parameter, JsonNode? value)
    {
        if (value is null)
        {
            return (null, null);
        }

        var text = value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
        if (text is not null && parameter.Choices!.Contains(text, StringComparer.Ordinal))
        {
            return (text, null);
        }

        var choices = "[" + string.Join(", ", parameter.Choices!.Select(choice => $"'{choice}'")) + "]";
        return (null, RunFailure.GradioError($"Value: {PythonRepr(value)} is not in the list of choices: {choices}"));
    }

    private static (NumberInput?, RunFailure?) Numeric(GenerateParameter parameter, JsonNode? value, GradioFlavor flavor)
    {
        if (value is null)
        {
            return (null, null);
        }

        if (value.GetValueKind() != JsonValueKind.Number)
        {
            return (null, RunFailure.Crash($"TypeError: '<' not supported between instances of '{PythonTypeName(value)}' and 'int' ({parameter.Name})"));
        }

        var raw = value.ToJsonString();
        var number = new NumberInput(value.GetValue<double>(), raw.IndexOfAny(['.', 'e', 'E']) < 0, raw);
        if (parameter.Kind == ComponentKind.Slider && flavor.SliderChecksRange)
        {
            if (number.Value < parameter.MinimumValue)
            {
                return (null, RunFailure.GradioError($"Value {number.Python} is less than minimum value {parameter.Minimum}."));
            }

            if (number.Value > parameter.MaximumValue)
            {
                return (null, RunFailure.GradioError($"Value {number.Python} is greater than maximum value {parameter.Maximum}."));
            }
        }

        return (number, null);
    }

    private static string? Text(JsonNode? value) => value switch
    {
        null => null,
        JsonValue text when text.GetValueKind() == JsonValueKind.String => text.GetValue<string>(),
        _ => value.ToJsonString(),
    };

    private async Task<(string?, RunFailure?)> FileAsync(GenerateParameter parameter, JsonNode? value, GradioFlavor flavor, CancellationToken cancellationToken)
    {
        if (value is null)
        {
            return (null, null);
        }

        if (value is not JsonObject file || file["path"] is not JsonValue pathNode || pathNode.GetValueKind() != JsonValueKind.String)
        {
            return (null, RunFailure.Crash(
                $"pydantic_core.ValidationError: 1 validation error for FileData: {parameter.Name} must be a file object " +
                "{\"path\": ..., \"meta\": {\"_type\": \"gradio.FileData\"}}, got " + PythonTypeName(value)));
        }

        var path = pathNode.GetValue<string>();
        var hasMeta = file["meta"] is JsonObject meta && meta["_type"] is JsonValue kind
            && kind.GetValueKind() == JsonValueKind.String && kind.GetValue<string>() == "gradio.FileData";
        if (flavor.FilesNeedMeta && !hasMeta)
        {
            if (parameter.Kind != ComponentKind.Image)
            {
                return (null, RunFailure.Crash(
                    $"pydantic_core.ValidationError: {parameter.Name} is not a file object: since Gradio 5.5 a file input must carry " +
                    "\"meta\": {\"_type\": \"gradio.FileData\"}."));
            }

            // An image without meta skips the upload check and is opened by its path.
            return folder.Contains(path, out var opened) && File.Exists(opened)
                ? (opened, null)
                : (null, RunFailure.Crash($"FileNotFoundError: [Errno 2] No such file or directory: '{path}'"));
        }

        if (path.StartsWith("http://", StringComparison.OrdinalIgnoreCase) || path.StartsWith("https://", StringComparison.OrdinalIgnoreCase))
        {
            return await DownloadAsync(path, cancellationToken);
        }

        if (!folder.Contains(path, out var fullPath))
        {
            return (null, RunFailure.Crash($"ValueError: File {Path.GetFullPath(path)} is not in the upload folder and cannot be accessed."));
        }

        return File.Exists(fullPath)
            ? (fullPath, null)
            : (null, RunFailure.Crash($"FileNotFoundError: [Errno 2] No such file or directory: '{path}'"));
    }

    /// <summary>A URL input: Gradio downloads it into its cache (the pod needs outbound internet).</summary>
    private async Task<(string?, RunFailure?)> DownloadAsync(string url, CancellationToken cancellationToken)
    {
        try
        {
            using var http = httpClients.CreateClient(UrlDownloadClient);
            using var response = await http.GetAsync(url, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
            response.EnsureSuccessStatusCode();
            await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
            var name = Path.GetFileName(new Uri(url).AbsolutePath);
            var saved = await folder.SaveAsync(body, name, maxBytes: null, cancellationToken);
            logger.LogInformation("Downloaded a URL input into {Path}", saved);
            return (saved, null);
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException or UriFormatException && !cancellationToken.IsCancellationRequested)
        {
            return (null, RunFailure.Crash($"httpx.HTTPError: could not download {url}: {exception.Message}"));
        }
    }

    private static string PythonRepr(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "'" + value.GetValue<string>() + "'",
        JsonValueKind.True => "True",
        JsonValueKind.False => "False",
        JsonValueKind.Number => new NumberInput(value.GetValue<double>(), value.ToJsonString().IndexOfAny(['.', 'e', 'E']) < 0, value.ToJsonString()).Python,
        _ => value.ToJsonString(),
    };

    private static string PythonTypeName(JsonNode value) => value.GetValueKind() switch
    {
        JsonValueKind.String => "str",
        JsonValueKind.True or JsonValueKind.False => "bool",
        JsonValueKind.Number => "float",
        JsonValueKind.Array => "list",
        JsonValueKind.Object => "dict",
        _ => "NoneType",
    };

    /// <summary>A number as JSON carried it: Python parses <c>42</c> as int and <c>42.0</c> as float.</summary>
    internal sealed record NumberInput(double Value, bool IsInteger, string Raw)
    {
        public string Python => IsInteger ? Raw : PythonJson.Float(Value);
    }
}
