using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Wire;

/// <summary>A request body as the real API reads it: a JSON object, or nothing (then the caller answers "invalid JSON body").</summary>
public static class JsonBody
{
    public static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
    {
        try
        {
            return await JsonNode.ParseAsync(request.Body, cancellationToken: request.HttpContext.RequestAborted) as JsonObject;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
