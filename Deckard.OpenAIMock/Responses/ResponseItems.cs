using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Responses;

/// <summary>Output items in the exact shapes the SDK parses (see the wire reference, B2).</summary>
public static class ResponseItems
{
    public static JsonObject Reasoning() => new()
    {
        ["id"] = WireIds.New("rs"),
        ["type"] = "reasoning",
        ["summary"] = new JsonArray(),
    };

    /// <summary>An assistant message; current models mark the answer itself as <c>phase: final_answer</c>.</summary>
    public static JsonObject Message(string text, JsonArray? annotations = null) => new()
    {
        ["id"] = WireIds.New("msg"),
        ["type"] = "message",
        ["status"] = "completed",
        ["content"] = new JsonArray(OutputText(text, annotations ?? [])),
        ["phase"] = "final_answer",
        ["role"] = "assistant",
    };

    public static JsonObject OutputText(string text, JsonArray annotations) => new()
    {
        ["type"] = "output_text",
        ["text"] = text,
        ["annotations"] = annotations,
        ["logprobs"] = new JsonArray(),
    };

    public static JsonObject FunctionCall(string name, string argumentsJson) => new()
    {
        ["id"] = WireIds.New("fc"),
        ["type"] = "function_call",
        ["status"] = "completed",
        ["arguments"] = argumentsJson,
        ["call_id"] = WireIds.New("call", 24),
        ["name"] = name,
    };

    public static JsonObject WebSearchCall(string query, IEnumerable<string>? sourceUrls) => new()
    {
        ["id"] = WireIds.New("ws"),
        ["type"] = "web_search_call",
        ["status"] = "completed",
        ["action"] = SearchAction(query, sourceUrls),
    };

    public static JsonObject SearchAction(string? query, IEnumerable<string>? sourceUrls)
    {
        var action = new JsonObject { ["type"] = "search" };
        if (query is not null)
        {
            action["query"] = query;
            action["queries"] = new JsonArray(query);
        }

        if (sourceUrls is not null)
        {
            action["sources"] = new JsonArray([.. sourceUrls.Select(url => (JsonNode)new JsonObject { ["type"] = "url", ["url"] = url })]);
        }

        return action;
    }

    /// <summary>The text an item contributes to output tokens.</summary>
    public static string OutputOf(JsonObject item) => (string?)item["type"] switch
    {
        "message" => string.Concat((item["content"] as JsonArray ?? []).Select(part => (string?)part?["text"])),
        "function_call" => (string?)item["arguments"] ?? "",
        _ => "",
    };
}
