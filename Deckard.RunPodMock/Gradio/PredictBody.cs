using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Gradio;

/// <summary>
/// The JSON body of <c>/call</c>, <c>queue/join</c> and <c>/run</c> (Gradio's <c>PredictBody</c>), read with FastAPI's
/// answers for a bad one: 422 with a list of pydantic errors.
/// </summary>
public sealed record PredictBody(JsonArray Data, string? SessionHash, int? FnIndex, JsonNode? TriggerId, JsonNode? EventData)
{
    public static async Task<(PredictBody? Body, IResult? Error)> ReadAsync(HttpRequest request)
    {
        JsonNode? node;
        try
        {
            node = await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted);
        }
        catch (JsonException exception)
        {
            return (null, Invalid(new JsonObject
            {
                ["type"] = "json_invalid",
                ["loc"] = new JsonArray("body", exception.BytePositionInLine ?? 0),
                ["msg"] = "JSON decode error",
                ["input"] = new JsonObject(),
                ["ctx"] = new JsonObject { ["error"] = "Expecting value" },
            }));
        }

        if (node is not JsonObject body)
        {
            return (null, Invalid(new JsonObject
            {
                ["type"] = "model_attributes_type",
                ["loc"] = new JsonArray("body"),
                ["msg"] = "Input should be a valid dictionary or object to extract fields from",
                ["input"] = node?.DeepClone(),
            }));
        }

        var errors = new List<JsonObject>();
        if (!body.TryGetPropertyValue("data", out var data))
        {
            errors.Add(Error("missing", "data", "Field required", body));
        }
        else if (data is not JsonArray)
        {
            errors.Add(Error("list_type", "data", "Input should be a valid list", data));
        }

        var sessionHash = body["session_hash"];
        if (sessionHash is not null && sessionHash.GetValueKind() != JsonValueKind.String)
        {
            errors.Add(Error("string_type", "session_hash", "Input should be a valid string", sessionHash));
        }

        var fnIndex = body["fn_index"];
        int? index = null;
        if (fnIndex is not null)
        {
            if (fnIndex.GetValueKind() == JsonValueKind.Number && int.TryParse(fnIndex.ToJsonString(), out var parsed))
            {
                index = parsed;
            }
            else
            {
                errors.Add(Error("int_type", "fn_index", "Input should be a valid integer", fnIndex));
            }
        }

        if (errors.Count > 0)
        {
            return (null, Invalid([.. errors]));
        }

        return (new PredictBody(
            (JsonArray)data!.DeepClone(),
            sessionHash?.GetValue<string>(),
            index,
            body["trigger_id"]?.DeepClone(),
            body["event_data"]?.DeepClone()), null);
    }

    private static JsonObject Error(string type, string field, string message, JsonNode? input) => new()
    {
        ["type"] = type,
        ["loc"] = new JsonArray("body", field),
        ["msg"] = message,
        ["input"] = input?.DeepClone(),
    };

    private static IResult Invalid(params JsonObject[] errors) =>
        WireJson.Result(new JsonObject { ["detail"] = new JsonArray([.. errors]) }, StatusCodes.Status422UnprocessableEntity);
}
