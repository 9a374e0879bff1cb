using System.Globalization;
using System.Text;
using System.Text.Json;
using Deckard.Api.OpenApi;
using Deckard.Api.Sessions;
using Deckard.Core.Events;
using Deckard.Core.Sessions;
using Deckard.Core.Storage;
using Deckard.Core.Telemetry;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Net.Http.Headers;

namespace Deckard.Api.Events;

public static class SessionEventEndpoints
{
    /// <summary>Comment lines keep proxies and browsers from closing an idle stream.</summary>
    private static readonly TimeSpan KeepAliveInterval = TimeSpan.FromSeconds(15);

    public static RouteGroupBuilder MapSessionEvents(this RouteGroupBuilder sessions)
    {
        sessions.MapGet("/{id:guid}/events", GetEventsAsync)
            .WithName("GetSessionEvents")
            .WithSummary("text/event-stream of the session's events (resumes from Last-Event-ID, ends after a terminal event); " +
                         "with Accept: application/json and ?after=N, the same events as a JSON array.")
            .Produces<EventResponse[]>(contentType: "application/json")
            .Produces(200, contentType: "text/event-stream")
            .ProducesProblems(StatusCodes.Status400BadRequest, StatusCodes.Status404NotFound);
        return sessions;
    }

    private static async Task<IResult> GetEventsAsync(
        Guid id, HttpContext context, SessionStore sessions, EventReader events, SessionEventHub hub, CancellationToken cancellationToken, long? after = null)
    {
        if (after is < 0)
        {
            return ApiProblems.Create(StatusCodes.Status400BadRequest, "invalid-after", "The event position is not valid",
                "after is the id of the last event you have (0 for all of them); it cannot be negative.");
        }

        if (!await sessions.ExistsAsync(id, RequestOwner.Of(context), cancellationToken))
        {
            return SessionEndpoints.NotFound(id);
        }

        var lastSeen = after ?? 0;
        if (context.Request.Headers["Last-Event-ID"] is [{ } lastEventId]
            && long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var resumeFrom))
        {
            lastSeen = resumeFrom;
        }

        if (WantsJson(context.Request))
        {
            var list = await events.ReadAfterAsync(id, lastSeen, cancellationToken);
            return TypedResults.Ok(list.Select(e => new EventResponse(e.Seq, e.Type, e.Data, e.CreatedAt)).ToArray());
        }

        await StreamAsync(id, lastSeen, context.Response, events, hub, cancellationToken);
        return TypedResults.Empty;
    }

    private static bool WantsJson(HttpRequest request)
    {
        var accept = request.GetTypedHeaders().Accept;
        return accept.Any(value => value.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase))
            && !accept.Any(value => value.MediaType.Equals("text/event-stream", StringComparison.OrdinalIgnoreCase));
    }

    private static async Task StreamAsync(Guid id, long lastSeen, HttpResponse response, EventReader events, SessionEventHub hub, CancellationToken cancellationToken)
    {
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        // Subscribe before reading, so an event written between the read and the wait still wakes us.
        using var subscription = hub.Subscribe(id);
        using var open = DeckardMetrics.TrackEventStream();
        await response.WriteAsync(": connected\n\n", cancellationToken);
        await response.Body.FlushAsync(cancellationToken);
        try
        {
            // The first pass reads what is stored; after that, events that arrived whole in their notification are
            // sent as they are, and the table is read only when they do not follow on (or the notification said "look").
            IReadOnlyList<SessionEvent>? next = null;
            while (!cancellationToken.IsCancellationRequested)
            {
                foreach (var sessionEvent in next ?? await events.ReadAfterAsync(id, lastSeen, cancellationToken))
                {
                    await response.WriteAsync(Format(sessionEvent), cancellationToken);
                    lastSeen = sessionEvent.Seq;
                    if (EventTypes.IsTerminal(sessionEvent.Type))
                    {
                        await response.Body.FlushAsync(cancellationToken);
                        return;
                    }
                }

                await response.Body.FlushAsync(cancellationToken);
                var signalled = await subscription.WaitAsync(KeepAliveInterval, cancellationToken);
                if (!signalled)
                {
                    await response.WriteAsync(": keep-alive\n\n", cancellationToken);
                    await response.Body.FlushAsync(cancellationToken);
                }

                // A quiet stream still reads the table at each keep-alive: a net under the notifications.
                next = signalled ? subscription.TakeFollowing(lastSeen) : null;
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; it resumes with Last-Event-ID.
        }
    }

    private static string Format(SessionEvent sessionEvent) =>
        new StringBuilder()
            .Append("id: ").Append(sessionEvent.Seq.ToString(CultureInfo.InvariantCulture)).Append('\n')
            .Append("event: ").Append(sessionEvent.Type).Append('\n')
            .Append("data: ").Append(JsonSerializer.Serialize(sessionEvent.Data, DeckardJson.Options)).Append("\n\n")
            .ToString();
}
