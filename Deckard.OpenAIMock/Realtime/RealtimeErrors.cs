using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Realtime;

/// <summary>
/// The <c>error</c> server event: <c>{"type":"error","error":{type,code,message,param,event_id}}</c>, where
/// <c>event_id</c> names the client event at fault. The session stays open after it.
/// </summary>
public static class RealtimeErrors
{
    public static JsonObject From(OpenAIError error, string? clientEventId) => new()
    {
        ["type"] = "error",
        ["error"] = new JsonObject
        {
            ["type"] = error.Type,
            ["code"] = error.Code,
            ["message"] = error.Message,
            ["param"] = error.Param,
            ["event_id"] = clientEventId,
        },
    };

    public static JsonObject ServerError(string message) =>
        From(new OpenAIError(500, message, "server_error", null, "server_error"), null);

    public static OpenAIError Invalid(string message, string code, string? param = null) =>
        new(400, message, OpenAIError.InvalidRequest, param, code);
}
