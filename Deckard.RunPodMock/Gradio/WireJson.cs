using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Gradio;

/// <summary>Compact UTF-8 JSON, as FastAPI's JSONResponse and orjson (the <c>queue/data</c> stream) write it.</summary>
public static class WireJson
{
    public static readonly JsonSerializerOptions Options = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        WriteIndented = false,
    };

    public static string Serialize(JsonNode? node) => node is null ? "null" : node.ToJsonString(Options);

    /// <summary>A JSON response as FastAPI sends one: <c>application/json</c>, compact, non-ASCII as UTF-8.</summary>
    public static IResult Result(JsonNode? node, int statusCode = StatusCodes.Status200OK) =>
        Results.Text(Serialize(node), "application/json", System.Text.Encoding.UTF8, statusCode);

    /// <summary>FastAPI's <c>HTTPException</c> body: <c>{"detail": "..."}</c>.</summary>
    public static IResult Detail(string detail, int statusCode) => Result(new JsonObject { ["detail"] = detail }, statusCode);
}
