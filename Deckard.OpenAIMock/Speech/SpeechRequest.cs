using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Speech;

/// <summary>A <c>POST /v1/audio/speech</c> body, parsed and validated as the real API does.</summary>
public sealed record SpeechRequest(
    string? Model,
    string Input,
    string? Voice,
    string ResponseFormat,
    double Speed,
    string? Instructions,
    string StreamFormat,
    OpenAIError? Error)
{
    public const int MaxInputLength = 4096;

    public static readonly IReadOnlyList<string> StreamFormats = ["audio", "sse"];

    public SpeechFormat Format => SpeechFormat.Find(ResponseFormat) ?? SpeechFormat.All[0];

    public static async Task<SpeechRequest> ReadAsync(HttpRequest request)
    {
        var body = await JsonBody.ReadObjectAsync(request);
        if (body is null)
        {
            return new SpeechRequest(null, "", null, "mp3", 1, null, "audio", OpenAIError.InvalidJsonBody());
        }

        var parsed = new SpeechRequest(
            Model: Text(body, "model"),
            Input: Text(body, "input") ?? "",
            Voice: body["voice"] switch
            {
                JsonValue name => name.ToString(),
                JsonObject custom => (string?)custom["id"],
                _ => null,
            },
            ResponseFormat: Text(body, "response_format") ?? "mp3",
            Speed: body["speed"] is JsonValue speed && speed.TryGetValue<double>(out var value) ? value : 1.0,
            Instructions: Text(body, "instructions"),
            StreamFormat: Text(body, "stream_format") ?? "audio",
            Error: null);
        return parsed with { Error = parsed.Validate() };
    }

    public JsonObject Summary() => new()
    {
        ["input"] = Input,
        ["input_chars"] = Input.Length,
        ["voice"] = Voice,
        ["response_format"] = ResponseFormat,
        ["speed"] = Speed,
        ["instructions"] = Instructions,
        ["stream_format"] = StreamFormat,
    };

    private OpenAIError? Validate()
    {
        if (Model is null)
        {
            return OpenAIError.MissingParameter("model");
        }

        if (!Model.StartsWith("tts-1", StringComparison.Ordinal) && !Model.Contains("-tts", StringComparison.Ordinal))
        {
            return OpenAIError.ModelNotFound(Model);
        }

        if (Input.Length == 0)
        {
            return OpenAIError.MissingParameter("input");
        }

        if (Input.Length > MaxInputLength)
        {
            return OpenAIError.BadRequest(
                $"[{{'type': 'string_too_long', 'loc': ('body', 'input'), 'msg': 'String should have at most {MaxInputLength} characters'}}]",
                "input", "string_too_long");
        }

        if (Voice is null)
        {
            return OpenAIError.MissingParameter("voice");
        }

        if (!SpeechVoices.IsKnown(Voice))
        {
            return OpenAIError.InvalidValue("voice", Voice, SpeechVoices.Names);
        }

        if (SpeechFormat.Find(ResponseFormat) is null)
        {
            return OpenAIError.InvalidValue("response_format", ResponseFormat, SpeechFormat.All.Select(format => format.Name));
        }

        if (Speed is < 0.25 or > 4.0)
        {
            return OpenAIError.BadRequest($"Invalid 'speed': expected a value between 0.25 and 4.0, but got {Speed} instead.", "speed", "invalid_value");
        }

        if (!StreamFormats.Contains(StreamFormat))
        {
            return OpenAIError.InvalidValue("stream_format", StreamFormat, StreamFormats);
        }

        if (StreamFormat == "sse" && Model.StartsWith("tts-1", StringComparison.Ordinal))
        {
            return OpenAIError.BadRequest($"stream_format 'sse' is not supported for model '{Model}'.", "stream_format", "unsupported_value");
        }

        return null;
    }

    private static string? Text(JsonObject body, string name) =>
        body[name] is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
