using System.ClientModel;
using System.Net.WebSockets;
using Deckard.Api.OpenApi;
using Deckard.Api.Security;
using Deckard.Api.Sessions;
using Deckard.Core.Conversations;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Conversations;

public static partial class ConversationEndpoints
{
    public static IEndpointRouteBuilder MapConversationEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/sessions/{id:guid}/realtime", ConnectAsync)
            .WithTags("Sessions")
            .WithName("ConnectConversation")
            .WithSummary("WebSocket: the live conversation of a session whose intent is conversation (GA Realtime events, relayed by Deckard).")
            .Produces(StatusCodes.Status101SwitchingProtocols)
            .ProducesProblems(ProblemMetadata.Authenticated)
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound, StatusCodes.Status409Conflict, StatusCodes.Status502BadGateway);
        return endpoints;
    }

    private static async Task<Results<EmptyHttpResult, ProblemHttpResult>> ConnectAsync(
        Guid id, HttpContext context, ConversationStore store, RealtimeUpstream upstream, ClientEventPolicy policy, LiveConnections connections,
        IOptions<ConversationOptions> options, QuotaGate quotas, TimeProvider time, ILoggerFactory loggers, CancellationToken cancellationToken)
    {
        var logger = loggers.CreateLogger("Deckard.Api.Conversations");
        var owner = RequestOwner.Of(context);
        var (conversation, refusal) = await store.ConnectAsync(id, owner, cancellationToken);
        switch (refusal)
        {
            case ConversationRefusal.NotFound:
                return SessionEndpoints.NotFound(id);
            case ConversationRefusal.NotAConversation:
                return Problem(StatusCodes.Status409Conflict, "not-a-conversation", "The session is not a conversation",
                    $"Session {id} was routed to another flow; only a session whose intent is conversation has a realtime socket.");
            case ConversationRefusal.NotLiveYet:
                return Problem(StatusCodes.Status409Conflict, "conversation-not-live", "The conversation is not live yet",
                    $"Session {id} is still being routed; connect after its conversation.ready event.");
            case ConversationRefusal.Ended:
                return Problem(StatusCodes.Status409Conflict, "conversation-ended", "The conversation has ended",
                    $"Session {id} has finished; start a new session to talk again.");
        }

        // A live conversation spends tokens by the second: not past today's budget, nor more of them at once than allowed.
        if (await quotas.CheckConversationAsync(owner, id, cancellationToken) is { } overQuota)
        {
            return overQuota.ToResult(context);
        }

        // After the session checks, so a plain GET shows why a socket would be refused.
        if (!context.WebSockets.IsWebSocketRequest)
        {
            return Problem(StatusCodes.Status400BadRequest, "not-a-websocket", "A WebSocket upgrade is expected",
                "Open this URL with a WebSocket (new WebSocket(url)); it carries the Realtime events of a live conversation.");
        }

        if (!connections.TryOpen(id))
        {
            return Problem(StatusCodes.Status409Conflict, "conversation-connected", "The conversation is already connected",
                $"Session {id} already has an open realtime socket; close it before opening another.");
        }

        var live = conversation!;
        try
        {
            OpenAI.Realtime.RealtimeSessionClient session;
            try
            {
                session = await upstream.OpenAsync(live, cancellationToken);
            }
            catch (Exception exception) when (exception is WebSocketException or ClientResultException or HttpRequestException)
            {
                LogUpstreamRefused(logger, id, exception.Message);
                return Problem(StatusCodes.Status502BadGateway, "realtime-unavailable", "The OpenAI Realtime API could not be reached",
                    $"Opening the upstream conversation failed: {exception.Message}");
            }

            // Disposed here too, in case the upgrade fails before the relay owns it (disposing twice is harmless).
            using var upstreamSession = session;
            using var socket = await context.WebSockets.AcceptWebSocketAsync(new WebSocketAcceptContext { KeepAliveInterval = TimeSpan.FromSeconds(15) });
            using var tracked = Core.Telemetry.DeckardMetrics.TrackConversation();
            // Each reply's render continues the conversation's trace.
            live = live with { TraceParent = System.Diagnostics.Activity.Current?.Id };
            await store.AnnounceConnectedAsync(live, upstream.VoiceFor(live), cancellationToken);
            LogConnected(logger, id, live.NextTurn);
            await using var recorder = new TurnRecorder(live, store, options, time, logger);
            var relay = new ConversationRelay(socket, session, upstream.Model, live, store, policy, recorder, options, time, logger);
            var end = await relay.RunAsync(context.RequestAborted);

            LogDisconnected(logger, id, end.Reason ?? "connection closed", recorder.StoredTurns, (int)end.CloseStatus);
            return TypedResults.Empty;
        }
        finally
        {
            connections.Close(id);
        }
    }

    private static ProblemHttpResult Problem(int status, string code, string title, string detail) => ApiProblems.Create(status, code, title, detail);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {SessionId}: browser connected, next turn {NextTurn}")]
    private static partial void LogConnected(ILogger logger, Guid sessionId, int nextTurn);

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {SessionId}: socket closed ({Reason}) after {Turns} turn(s), close code {CloseCode}")]
    private static partial void LogDisconnected(ILogger logger, Guid sessionId, string reason, int turns, int closeCode);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Conversation {SessionId}: the Realtime API refused the upstream connection: {Reason}")]
    private static partial void LogUpstreamRefused(ILogger logger, Guid sessionId, string reason);
}
