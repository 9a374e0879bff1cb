using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Images;

/// <summary>A <c>POST /v1/images/generations</c> body for the GPT image models, parsed and validated.</summary>
public sealed record ImageRequest(
    string? Model,
    string Prompt,
    int Count,
    string Size,
    string Quality,
    string OutputFormat,
    string Background,
    int? OutputCompression,
    OpenAIError? Error)
{
    public static readonly IReadOnlyList<string> Models = ["gpt-image-1", "gpt-image-1-mini", "gpt-image-1.5"];
    public static readonly IReadOnlyList<string> Sizes = ["1024x1024", "1024x1536", "1536x1024", "auto"];
    public static readonly IReadOnlyList<string> Qualities = ["low", "medium", "high", "auto"];
    public static readonly IReadOnlyList<string> OutputFormats = ["png", "jpeg", "webp"];
    public static readonly IReadOnlyList<string> Backgrounds = ["transparent", "opaque", "auto"];

    /// <summary>The size actually drawn: <c>auto</c> draws a square.</summary>
    public (int Width, int Height) Pixels => ResolvedSize switch
    {
        "1024x1536" => (1024, 1536),
        "1536x1024" => (1536, 1024),
        _ => (1024, 1024),
    };

    public string ResolvedSize => Size == "auto" ? "1024x1024" : Size;

    public string ResolvedQuality => Quality == "auto" ? "medium" : Quality;

    public string ResolvedBackground => Background == "transparent" ? "transparent" : "opaque";

    public static async Task<ImageRequest> ReadAsync(HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        if (body is null)
        {
            return Invalid(OpenAIError.InvalidJsonBody());
        }

        var parsed = new ImageRequest(
            Model: Text(body, "model"),
            Prompt: Text(body, "prompt") ?? "",
            Count: body["n"] is JsonValue n && n.TryGetValue<int>(out var count) ? count : 1,
            Size: Text(body, "size") ?? "auto",
            Quality: Text(body, "quality") ?? "auto",
            OutputFormat: Text(body, "output_format") ?? "png",
            Background: Text(body, "background") ?? "auto",
            OutputCompression: body["output_compression"] is JsonValue c && c.TryGetValue<int>(out var compression) ? compression : null,
            Error: null);
        return parsed with { Error = parsed.Validate(body) };
    }

    public JsonObject Summary() => new()
    {
        ["prompt"] = Prompt,
        ["n"] = Count,
        ["size"] = Size,
        ["quality"] = Quality,
        ["output_format"] = OutputFormat,
        ["background"] = Background,
    };

    private OpenAIError? Validate(JsonObject body)
    {
        if (Prompt.Length == 0)
        {
            return OpenAIError.MissingParameter("prompt");
        }

        if (Model is null)
        {
            // The real API would fall back to dall-e-2, which the stand-in does not serve: say so instead of guessing.
            return OpenAIError.MissingParameter("model");
        }

        if (!Models.Contains(Model))
        {
            return OpenAIError.InvalidValue("model", Model, Models);
        }

        if (body.ContainsKey("response_format"))
        {
            return OpenAIError.UnknownParameter("response_format");
        }

        if (Prompt.Length > 32_000)
        {
            return OpenAIError.BadRequest("Invalid 'prompt': string too long. Expected a string with maximum length 32000.", "prompt", "string_above_max_length");
        }

        if (Count is < 1 or > 10)
        {
            return OpenAIError.BadRequest($"Invalid 'n': expected a value between 1 and 10, but got {Count} instead.", "n", "invalid_value");
        }

        if (!Sizes.Contains(Size))
        {
            return OpenAIError.InvalidValue("size", Size, Sizes);
        }

        if (!Qualities.Contains(Quality))
        {
            return OpenAIError.InvalidValue("quality", Quality, Qualities);
        }

        if (!OutputFormats.Contains(OutputFormat))
        {
            return OpenAIError.InvalidValue("output_format", OutputFormat, OutputFormats);
        }

        if (!Backgrounds.Contains(Background))
        {
            return OpenAIError.InvalidValue("background", Background, Backgrounds);
        }

        if (Background == "transparent" && OutputFormat == "jpeg")
        {
            return OpenAIError.BadRequest("Transparent background is not supported for jpeg output format.", "background", "invalid_value");
        }

        if (OutputCompression is < 0 or > 100)
        {
            return OpenAIError.BadRequest("Invalid 'output_compression': expected a value between 0 and 100.", "output_compression", "invalid_value");
        }

        return null;
    }

    private static ImageRequest Invalid(OpenAIError error) => new(null, "", 1, "auto", "auto", "png", "auto", null, error);

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
