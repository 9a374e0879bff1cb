using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// The <c>response</c> object: the request's settings echoed back around the output, with every field the recorded
/// real responses carry (tests/Deckard.OpenAIMock.Tests/Fidelity/Recordings), in their order. Settings the request
/// did not give are echoed with the service's defaults, or null where the service sends null.
/// </summary>
public static class ResponseDocument
{
    public static JsonObject Build(
        ResponseRequest request, string id, long createdAt, long? completedAt, string status, IReadOnlyList<JsonObject> output, JsonObject? usage)
    {
        var body = request.Body;
        var completed = status == "completed";
        return new JsonObject
        {
            ["id"] = id,
            ["object"] = "response",
            ["created_at"] = createdAt,
            ["status"] = status,
            ["background"] = Echo(body, "background") ?? false,
            ["billing"] = new JsonObject { ["payer"] = "developer" },
            ["completed_at"] = completedAt,
            ["error"] = null,
            ["frequency_penalty"] = Echo(body, "frequency_penalty") ?? 0.0,
            ["incomplete_details"] = null,
            ["instructions"] = Echo(body, "instructions"),
            ["max_output_tokens"] = Echo(body, "max_output_tokens"),
            ["max_tool_calls"] = Echo(body, "max_tool_calls"),
            ["model"] = request.Model,
            ["moderation"] = Echo(body, "moderation"),
            ["output"] = new JsonArray([.. output.Select(item => item.DeepClone())]),
            ["parallel_tool_calls"] = Echo(body, "parallel_tool_calls") ?? true,
            ["presence_penalty"] = Echo(body, "presence_penalty") ?? 0.0,
            ["previous_response_id"] = request.PreviousResponseId,
            ["prompt_cache_key"] = Echo(body, "prompt_cache_key"),
            // Reported since April 2026 even when not asked for (recorded null before that).
            ["prompt_cache_retention"] = Echo(body, "prompt_cache_retention") ?? "in_memory",
            ["reasoning"] = Reasoning(request),
            ["safety_identifier"] = Echo(body, "safety_identifier"),
            ["service_tier"] = ServiceTier(body["service_tier"] is JsonValue tier && tier.TryGetValue<string>(out var name) ? name : null, completed),
            ["store"] = request.Store,
            ["temperature"] = Echo(body, "temperature") ?? 1.0,
            ["text"] = new JsonObject
            {
                ["format"] = request.TextFormat?.DeepClone() ?? new JsonObject { ["type"] = "text" },
                ["verbosity"] = (body["text"] as JsonObject)?["verbosity"]?.DeepClone() ?? "medium",
            },
            ["tool_choice"] = Echo(body, "tool_choice") ?? "auto",
            ["tool_usage"] = ToolUsage(output),
            ["tools"] = ResponseTools.Echo(body["tools"] as JsonArray),
            ["top_logprobs"] = Echo(body, "top_logprobs") ?? 0,
            ["top_p"] = Echo(body, "top_p") ?? 1.0,
            ["truncation"] = Echo(body, "truncation") ?? "disabled",
            ["usage"] = usage?.DeepClone(),
            ["user"] = Echo(body, "user"),
            ["metadata"] = Echo(body, "metadata") ?? new JsonObject(),
        };
    }

    private static JsonNode? Echo(JsonObject body, string name) => body[name]?.DeepClone();

    /// <summary>
    /// Always an object: <c>effort</c> is null for a model without reasoning, and <c>context</c> (sent by current
    /// models) is <c>current_turn</c> for a reasoning model.
    /// </summary>
    private static JsonObject Reasoning(ResponseRequest request) => new()
    {
        ["context"] = request.ReasoningEffort is null ? null : "current_turn",
        ["effort"] = request.ReasoningEffort,
        ["summary"] = (request.Body["reasoning"] as JsonObject)?["summary"]?.DeepClone(),
    };

    /// <summary>A request without a tier is reported as <c>auto</c> while it runs and <c>default</c> once done, as recorded.</summary>
    private static string ServiceTier(string? requested, bool completed) =>
        requested is null or "auto" ? (completed ? "default" : "auto") : requested;

    /// <summary>What the built-in tools cost: the web searches made, and no image generation.</summary>
    private static JsonObject ToolUsage(IReadOnlyList<JsonObject> output) => new()
    {
        ["image_gen"] = new JsonObject
        {
            ["input_tokens"] = 0,
            ["input_tokens_details"] = new JsonObject { ["image_tokens"] = 0, ["text_tokens"] = 0 },
            ["output_tokens"] = 0,
            ["output_tokens_details"] = new JsonObject { ["image_tokens"] = 0, ["text_tokens"] = 0 },
            ["total_tokens"] = 0,
        },
        ["web_search"] = new JsonObject { ["num_requests"] = output.Count(item => (string?)item["type"] == "web_search_call") },
    };
}
