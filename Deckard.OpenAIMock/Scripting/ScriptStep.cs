using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deckard.OpenAIMock.Scripting;

/// <summary>
/// What the next call (or the next <see cref="Times"/> calls) to one endpoint does instead of the default rules.
/// Read from the admin API in snake_case JSON.
/// </summary>
public sealed record ScriptStep
{
    /// <summary>How many consecutive calls this step answers.</summary>
    public int Times { get; init; } = 1;

    /// <summary>Extra delay before the call is answered.</summary>
    public int? LatencyMs { get; init; }

    /// <summary>Answer with this HTTP error (or, on a realtime response, a failed response) instead.</summary>
    public ScriptedFailure? Fail { get; init; }

    /// <summary>Streams (responses SSE, realtime socket) break after this many events.</summary>
    public int? BreakAfterEvents { get; init; }

    /// <summary><c>disconnect</c> (default: the connection is dropped) or <c>error_event</c> (an <c>error</c> event, then the end).</summary>
    public string? BreakMode { get; init; }

    /// <summary>The transcript of the audio (transcriptions, realtime-transcription).</summary>
    public string? Transcript { get; init; }

    /// <summary>The assistant's answer text (responses, realtime-response).</summary>
    public string? Text { get; init; }

    /// <summary>The function the model calls (responses).</summary>
    public ScriptedFunctionCall? FunctionCall { get; init; }

    /// <summary>The sources a web search answer cites (responses).</summary>
    public IReadOnlyList<ScriptedCitation>? Citations { get; init; }

    [JsonIgnore]
    public bool BreaksWithErrorEvent => string.Equals(BreakMode, "error_event", StringComparison.OrdinalIgnoreCase);
}

public sealed record ScriptedFailure
{
    public int Status { get; init; } = 500;

    public int? RetryAfterSeconds { get; init; }

    public string? Message { get; init; }

    public string? Type { get; init; }

    public string? Code { get; init; }
}

public sealed record ScriptedFunctionCall
{
    public string Name { get; init; } = "";

    /// <summary>A JSON object, or a string that already holds JSON text.</summary>
    public JsonElement? Arguments { get; init; }

    public string ArgumentsJson() => Arguments switch
    {
        null => "{}",
        { ValueKind: JsonValueKind.String } text => text.GetString() ?? "{}",
        { } value => value.GetRawText(),
    };
}

public sealed record ScriptedCitation
{
    public string Url { get; init; } = "";

    public string Title { get; init; } = "";
}
