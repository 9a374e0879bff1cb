using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Wire;

/// <summary>An error as OpenAI reports it: an HTTP status and <c>{"error":{message,type,param,code}}</c>.</summary>
public sealed record OpenAIError(int Status, string Message, string Type, string? Param, string? Code)
{
    public const string InvalidRequest = "invalid_request_error";

    public static OpenAIError MissingParameter(string param) =>
        new(400, $"Missing required parameter: '{param}'.", InvalidRequest, param, "missing_required_parameter");

    public static OpenAIError InvalidValue(string param, string value, IEnumerable<string> supported) =>
        new(400, $"Invalid value: '{value}'. Supported values are: {QuoteList(supported)}.", InvalidRequest, param, "invalid_value");

    public static OpenAIError InvalidType(string param, string expected) =>
        new(400, $"Invalid type for '{param}': expected {expected}.", InvalidRequest, param, "invalid_type");

    public static OpenAIError UnknownParameter(string param) =>
        new(400, $"Unknown parameter: '{param}'.", InvalidRequest, param, "unknown_parameter");

    public static OpenAIError BadRequest(string message, string? param = null, string? code = null) =>
        new(400, message, InvalidRequest, param, code);

    /// <summary>A Responses input whose <c>function_call_output</c> answers no function call of the conversation.</summary>
    public static OpenAIError NoToolCallFound(string callId) =>
        new(400, $"No tool call found for function call output with call_id {callId}.", InvalidRequest, "input", null);

    public static OpenAIError InvalidJsonBody() =>
        new(400,
            "We could not parse the JSON body of your request. (HINT: This likely means you aren't using your HTTP library correctly. " +
            "The OpenAI API expects a JSON payload, but what was sent was not valid JSON.)",
            InvalidRequest, null, null);

    public static OpenAIError ModelNotFound(string model) =>
        new(404, $"The model `{model}` does not exist or you do not have access to it.", InvalidRequest, null, "model_not_found");

    public static OpenAIError MissingApiKey() =>
        new(401,
            "You didn't provide an API key. You need to provide your API key in an Authorization header using Bearer auth " +
            "(i.e. Authorization: Bearer YOUR_KEY).",
            InvalidRequest, null, null);

    public static OpenAIError IncorrectApiKey(string presentedKey) =>
        new(401, $"Incorrect API key provided: {Mask(presentedKey)}. You can find your API key at https://platform.openai.com/account/api-keys.",
            InvalidRequest, null, "invalid_api_key");

    public static OpenAIError InvalidUrl(string method, string path) =>
        new(404, $"Invalid URL ({method} {path})", InvalidRequest, null, null);

    /// <summary>The body a scripted failure answers with, shaped like the real error for that status.</summary>
    public static OpenAIError ForStatus(int status, string? message = null, string? type = null, string? code = null)
    {
        var known = KnownErrorCodes.Defaults(code);
        return ForStatusWithDefaults(status, message ?? known?.Message, type ?? known?.Type, code);
    }

    private static OpenAIError ForStatusWithDefaults(int status, string? message, string? type, string? code) => status switch
    {
        401 => new(401, message ?? "Incorrect API key provided.", type ?? InvalidRequest, null, code ?? "invalid_api_key"),
        403 => new(403, message ?? "You are not allowed to sample from this model.", type ?? InvalidRequest, null, code),
        404 => new(404, message ?? "The requested resource was not found.", type ?? InvalidRequest, null, code),
        408 => new(408, message ?? "Request timed out.", type ?? "timeout", null, code),
        429 => new(429, message ?? "Rate limit reached for requests. Please try again later.", type ?? "requests", null, code ?? "rate_limit_exceeded"),
        >= 500 => new(status, message ?? "The server had an error while processing your request. Sorry about that!", type ?? "server_error", null, code),
        _ => new(status, message ?? "Invalid request.", type ?? InvalidRequest, null, code),
    };

    public JsonObject ToBody() => new()
    {
        ["error"] = ToErrorObject(),
    };

    public JsonObject ToErrorObject() => new()
    {
        ["message"] = Message,
        ["type"] = Type,
        ["param"] = Param,
        ["code"] = Code,
    };

    public IResult ToResult() => Results.Json(ToBody(), statusCode: Status);

    public Task WriteAsync(HttpResponse response)
    {
        response.StatusCode = Status;
        return response.WriteAsJsonAsync(ToBody(), response.HttpContext.RequestAborted);
    }

    private static string QuoteList(IEnumerable<string> values)
    {
        var quoted = values.Select(value => $"'{value}'").ToList();
        return quoted.Count switch
        {
            0 => "",
            1 => quoted[0],
            _ => string.Join(", ", quoted[..^1]) + ", and " + quoted[^1],
        };
    }

    /// <summary>As recorded: a short key is shown whole ("fake_key"); a long one keeps its first 8 and last 4 characters.</summary>
    private static string Mask(string key) =>
        key.Length <= 12 ? key : key[..8] + new string('*', key.Length - 12) + key[^4..];
}
