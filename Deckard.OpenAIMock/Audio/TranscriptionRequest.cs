using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Audio;

/// <summary>A <c>POST /v1/audio/transcriptions</c> form, parsed, with the first validation error the real API would report.</summary>
public sealed record TranscriptionRequest(
    string? Model,
    string? FileName,
    byte[] Audio,
    string ResponseFormat,
    string? Language,
    string? Prompt,
    bool Stream,
    OpenAIError? Error)
{
    public const long MaxFileBytes = 25 * 1024 * 1024;

    public static readonly IReadOnlyList<string> SupportedExtensions =
        ["flac", "m4a", "mp3", "mp4", "mpeg", "mpga", "oga", "ogg", "wav", "webm"];

    public static readonly IReadOnlyList<string> ResponseFormats = ["json", "text", "srt", "verbose_json", "vtt"];

    public bool IsWhisper => string.Equals(Model, "whisper-1", StringComparison.Ordinal);

    public string Extension => Path.GetExtension(FileName ?? "").TrimStart('.').ToLowerInvariant();

    public static async Task<TranscriptionRequest> ReadAsync(HttpRequest request)
    {
        if (!request.HasFormContentType)
        {
            return Invalid(OpenAIError.BadRequest(
                $"Invalid Content-Type header ({request.ContentType}), expected multipart/form-data."));
        }

        IFormCollection form;
        try
        {
            form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
        }
        catch (InvalidDataException exception)
        {
            return Invalid(OpenAIError.BadRequest($"Could not parse multipart form: {exception.Message}"));
        }

        var file = form.Files.GetFile("file");
        byte[] audio = [];
        if (file is not null && file.Length <= MaxFileBytes)
        {
            audio = new byte[file.Length];
            await using var stream = file.OpenReadStream();
            await stream.ReadExactlyAsync(audio, request.HttpContext.RequestAborted);
        }

        var parsed = new TranscriptionRequest(
            Model: NonEmpty(form["model"]),
            FileName: file?.FileName,
            Audio: audio,
            ResponseFormat: NonEmpty(form["response_format"]) ?? "json",
            Language: NonEmpty(form["language"]),
            Prompt: NonEmpty(form["prompt"]),
            Stream: string.Equals(form["stream"], "true", StringComparison.OrdinalIgnoreCase),
            Error: null);
        return parsed with { Error = parsed.Validate(file) };
    }

    public JsonObject Summary() => new()
    {
        ["file_name"] = FileName,
        ["file_bytes"] = Audio.Length,
        ["response_format"] = ResponseFormat,
        ["language"] = Language,
        ["prompt"] = Prompt,
        ["stream"] = Stream,
    };

    private OpenAIError? Validate(IFormFile? file)
    {
        if (Model is null)
        {
            return OpenAIError.MissingParameter("model");
        }

        if (!IsWhisper && !Model.Contains("transcribe", StringComparison.Ordinal))
        {
            return OpenAIError.ModelNotFound(Model);
        }

        if (file is null)
        {
            return OpenAIError.MissingParameter("file");
        }

        if (file.Length > MaxFileBytes)
        {
            return new OpenAIError(413, $"Maximum content size limit ({MaxFileBytes}) exceeded ({file.Length} bytes read)",
                OpenAIError.InvalidRequest, null, null);
        }

        if (!SupportedExtensions.Contains(Extension))
        {
            return OpenAIError.BadRequest(
                $"Invalid file format. Supported formats: [{string.Join(", ", SupportedExtensions.Select(e => $"'{e}'"))}]",
                "file", "invalid_value");
        }

        if (Audio.Length == 0)
        {
            return OpenAIError.BadRequest("Audio file is too short. Minimum audio length is 0.1 seconds.", "file", "audio_too_short");
        }

        if (!ResponseFormats.Contains(ResponseFormat))
        {
            return OpenAIError.InvalidValue("response_format", ResponseFormat, ResponseFormats);
        }

        if (!IsWhisper && ResponseFormat is not ("json" or "text"))
        {
            return OpenAIError.BadRequest(
                $"response_format '{ResponseFormat}' is not compatible with model '{Model}'. Use 'json' or 'text' instead.",
                "response_format", "unsupported_value");
        }

        return null;
    }

    private static TranscriptionRequest Invalid(OpenAIError error) =>
        new(null, null, [], "json", null, null, false, error);

    private static string? NonEmpty(Microsoft.Extensions.Primitives.StringValues value) =>
        string.IsNullOrWhiteSpace(value) ? null : value.ToString();
}
