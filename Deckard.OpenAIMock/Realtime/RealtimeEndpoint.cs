using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Configuration;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Speech;
using Deckard.OpenAIMock.Wire;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Realtime;

/// <summary>
/// <c>GET /v1/realtime?model=...</c>: the WebSocket handshake. Errors (and scripted failures) are HTTP answers before
/// the upgrade; the subprotocol <c>realtime</c> is echoed when offered.
/// </summary>
public static class RealtimeEndpoint
{
    public const string Subprotocol = "realtime";
    private static readonly TimeSpan SessionLifetime = TimeSpan.FromMinutes(60);

    public static async Task HandleAsync(
        HttpContext context,
        ScriptedCalls calls,
        SpeechSynthesizer synthesizer,
        IOptions<OpenAIMockOptions> options,
        TimeProvider clock,
        ILogger<RealtimeSession> logger)
    {
        var model = context.Request.Query["model"].ToString();
        var intent = context.Request.Query["intent"].ToString();
        context.ReceivedRequest()?.Describe(MockEndpoint.Realtime, model.Length > 0 ? model : null, new JsonObject
        {
            ["websocket"] = context.WebSockets.IsWebSocketRequest,
            ["intent"] = intent.Length > 0 ? intent : null,
            ["client_events"] = new JsonArray(),
        });

        var (answered, step) = await calls.BeginAsync(context, MockEndpoint.Realtime, Validate(context, model, intent));
        if (answered)
        {
            return;
        }

        var offered = context.WebSockets.WebSocketRequestedProtocols;
        using var socket = await context.WebSockets.AcceptWebSocketAsync(offered.Contains(Subprotocol) ? Subprotocol : null);
        var connection = new RealtimeConnection(
            socket, step?.BreakAfterEvents, step?.BreaksWithErrorEvent ?? false, () => ConnectionBreaker.BreakAsync(context));
        var config = RealtimeSessionConfig.Create(model, (clock.GetUtcNow() + SessionLifetime).ToUnixTimeSeconds());
        var session = new RealtimeSession(
            connection,
            config,
            conversation => new RealtimeResponder(connection, conversation, synthesizer, options.Value.Realtime, clock),
            calls,
            context.ReceivedRequest(),
            logger);

        logger.LogInformation("Realtime session {SessionId} opened for {RequestId}, model {Model}",
            (string?)config.Session["id"], context.TraceIdentifier, model);
        try
        {
            await session.RunAsync(context.RequestAborted);
        }
        catch (Exception exception) when (exception is OperationCanceledException or System.Net.WebSockets.WebSocketException)
        {
            // The client went away or the script broke the connection: nothing left to answer.
        }

        logger.LogInformation("Realtime session {SessionId} closed", (string?)config.Session["id"]);
    }

    private static OpenAIError? Validate(HttpContext context, string model, string intent)
    {
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return new OpenAIError(426, "This endpoint expects a WebSocket upgrade request.", OpenAIError.InvalidRequest, null, null);
        }

        if (intent == "transcription")
        {
            return OpenAIError.BadRequest("The Deckard stand-in serves realtime conversation sessions only, not transcription sessions.",
                "intent", "unsupported_value");
        }

        if (model.Length == 0)
        {
            return OpenAIError.MissingParameter("model");
        }

        return model.Contains("realtime", StringComparison.Ordinal) ? null : OpenAIError.ModelNotFound(model);
    }
}
