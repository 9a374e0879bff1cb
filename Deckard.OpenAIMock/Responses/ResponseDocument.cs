using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Responses;

/// <summary>The <c>response</c> object: the request's settings echoed back around the output, as OpenAI returns it.</summary>
public static class ResponseDocument
{
    public static JsonObject Build(ResponseRequest request, string id, long createdAt, string status, IEnumerable<JsonObject> output, JsonObject? usage)
    {
        var body = request.Body;
        var document = new JsonObject
        {
            ["id"] = id,
            ["object"] = "response",
            ["created_at"] = createdAt,
            ["status"] = status,
            ["background"] = false,
            ["error"] = null,
            ["incomplete_details"] = null,
            ["instructions"] = body["instructions"]?.DeepClone(),
            ["max_output_tokens"] = body["max_output_tokens"]?.DeepClone(),
            ["model"] = request.Model,
            ["output"] = new JsonArray([.. output.Select(item => item.DeepClone())]),
            ["parallel_tool_calls"] = body["parallel_tool_calls"]?.DeepClone() ?? true,
            ["previous_response_id"] = request.PreviousResponseId,
            ["service_tier"] = "default",
            ["store"] = request.Store,
            ["temperature"] = body["temperature"]?.DeepClone() ?? 1.0,
            ["text"] = new JsonObject { ["format"] = request.TextFormat?.DeepClone() ?? new JsonObject { ["type"] = "text" } },
            ["tool_choice"] = body["tool_choice"]?.DeepClone() ?? "auto",
            ["tools"] = Tools(body["tools"] as JsonArray),
            ["top_p"] = body["top_p"]?.DeepClone() ?? 1.0,
            ["truncation"] = "disabled",
            ["usage"] = usage?.DeepClone(),
            ["user"] = null,
            ["metadata"] = body["metadata"]?.DeepClone() ?? new JsonObject(),
        };

        if (request.ReasoningEffort is { } effort)
        {
            document["reasoning"] = new JsonObject { ["effort"] = effort };
        }

        return document;
    }

    /// <summary>Tools come back with their defaults filled in, as the real service echoes them.</summary>
    private static JsonArray Tools(JsonArray? tools)
    {
        var echoed = new JsonArray();
        foreach (var tool in (tools ?? []).OfType<JsonObject>())
        {
            var copy = (JsonObject)tool.DeepClone();
            if ((string?)copy["type"] == "function" && copy["strict"] is null)
            {
                copy["strict"] = true;
            }

            echoed.Add(copy);
        }

        return echoed;
    }
}
