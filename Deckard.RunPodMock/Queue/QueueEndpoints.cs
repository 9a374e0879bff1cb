using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Gradio;
using Deckard.RunPodMock.StableAvatar;
using Microsoft.AspNetCore.Http.Features;

namespace Deckard.RunPodMock.Queue;

/// <summary>
/// The queue protocol (sse_v3) the official clients use: <c>queue/join</c>, the per-session <c>queue/data</c> stream,
/// <c>queue/status</c>, <c>cancel</c>, <c>reset</c> and the session <c>heartbeat</c> stream.
/// </summary>
public static class QueueEndpoints
{
    public static async Task<IResult> JoinAsync(HttpRequest request, GradioQueue queue, TimeProvider clock)
    {
        var (body, error) = await PredictBody.ReadAsync(request);
        if (body is null)
        {
            return error!;
        }

        if (body.SessionHash is null)
        {
            return WireJson.Detail("Session hash not found.", StatusCodes.Status400BadRequest);
        }

        if (body.FnIndex is null)
        {
            return WireJson.Detail("No function index provided.", StatusCodes.Status400BadRequest);
        }

        if (body.FnIndex != StableAvatarApp.GenerateDependencyId)
        {
            return GradioErrors.UnknownFunction();
        }

        var eventId = GradioQueue.NewEventId();
        var evt = new GenerationEvent(eventId, body.SessionHash, JobRoute.Queue, body.Data, RootUrl.Of(request), clientSentSessionHash: true, clock.GetUtcNow());
        return CallEndpoints.Joined(queue.Push(evt), eventId);
    }

    public static Task DataAsync(HttpContext context, SessionStreamWriter writer)
    {
        var sessionHash = context.Request.Query["session_hash"].ToString();
        if (sessionHash.Length == 0)
        {
            return WireJson.Result(new JsonObject
            {
                ["detail"] = new JsonArray(new JsonObject
                {
                    ["type"] = "missing",
                    ["loc"] = new JsonArray("query", "session_hash"),
                    ["msg"] = "Field required",
                    ["input"] = null,
                }),
            }, StatusCodes.Status422UnprocessableEntity).ExecuteAsync(context);
        }

        return writer.StreamAsync(context, sessionHash, QueueDataFormat.Instance);
    }

    public static IResult Status(GradioQueue queue) =>
        WireJson.Result(new JsonObject { ["msg"] = "estimation", ["event_id"] = null, ["rank"] = null, ["queue_size"] = queue.WaitingCount, ["rank_eta"] = null });

    public static async Task<IResult> CancelAsync(HttpRequest request, GradioQueue queue)
    {
        var body = await ReadObjectAsync(request);
        var sessionHash = Text(body?["session_hash"]);
        var eventId = Text(body?["event_id"]);
        if (body is null || sessionHash is null || eventId is null)
        {
            return WireJson.Result(new JsonObject
            {
                ["detail"] = new JsonArray(new JsonObject
                {
                    ["type"] = "missing",
                    ["loc"] = new JsonArray("body", sessionHash is null ? "session_hash" : "event_id"),
                    ["msg"] = "Field required",
                    ["input"] = body?.DeepClone(),
                }),
            }, StatusCodes.Status422UnprocessableEntity);
        }

        queue.Cancel(sessionHash, eventId);
        return WireJson.Result(new JsonObject { ["success"] = true });
    }

    /// <summary><c>POST {prefix}/reset</c>: resets a generator's iterator; StableAvatar's function is not a generator.</summary>
    public static async Task<IResult> ResetAsync(HttpRequest request)
    {
        await ReadObjectAsync(request);
        return WireJson.Result(new JsonObject { ["success"] = true });
    }

    /// <summary><c>GET {prefix}/heartbeat/{session_hash}</c>: <c>data: ALIVE</c> at once and every heartbeat interval.</summary>
    public static async Task HeartbeatAsync(HttpContext context, string sessionHash, LiveSettings settings, TimeProvider clock, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(QueueEndpoints));
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        logger.LogDebug("Heartbeat stream opened for session {SessionHash}", sessionHash);
        try
        {
            while (true)
            {
                await context.Response.WriteAsync("data: ALIVE\n\n", context.RequestAborted);
                await context.Response.Body.FlushAsync(context.RequestAborted);
                await Task.Delay(settings.Current.HeartbeatInterval, clock, context.RequestAborted);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException)
        {
            logger.LogDebug("Heartbeat stream closed for session {SessionHash}", sessionHash);
        }
    }

    private static async Task<JsonObject?> ReadObjectAsync(HttpRequest request)
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

    private static string? Text(JsonNode? node) =>
        node is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : null;
}
