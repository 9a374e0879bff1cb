using Deckard.Api.OpenApi;
using Deckard.Api.Sessions;
using Deckard.Core.Sessions;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Deckard.Api.Security;

public static class TicketEndpoints
{
    public static RouteGroupBuilder MapSessionTickets(this RouteGroupBuilder sessions)
    {
        sessions.MapPost("/{id:guid}/tickets", IssueAsync)
            .WithName("CreateSessionTicket")
            .WithSummary("A short-lived, single-use ticket for this session's event stream or realtime socket, for browsers, " +
                         "which cannot put an Authorization header on EventSource or WebSocket: append ?ticket= to the URL.")
            .ProducesProblems(StatusCodes.Status404NotFound);
        return sessions;
    }

    private static async Task<Results<Ok<TicketResponse>, ProblemHttpResult>> IssueAsync(
        Guid id, HttpContext context, SessionStore sessions, AccessTickets tickets, CancellationToken cancellationToken)
    {
        var principal = RequestOwner.Of(context);
        if (!await sessions.ExistsAsync(id, principal, cancellationToken))
        {
            return SessionEndpoints.NotFound(id);
        }

        var issued = await tickets.IssueAsync(principal, id);
        var query = $"?{DeckardSchemes.TicketQueryParameter}={Uri.EscapeDataString(issued.Ticket)}";
        return TypedResults.Ok(new TicketResponse(issued.Ticket, issued.ExpiresAt,
            $"/api/sessions/{id}/events{query}", $"/api/sessions/{id}/realtime{query}"));
    }
}

/// <param name="Events">The event stream's URL with the ticket, for <c>new EventSource(url)</c>.</param>
/// <param name="Realtime">The realtime socket's URL with the ticket, for <c>new WebSocket(url)</c> (ws:// or wss:// on the same host).</param>
public sealed record TicketResponse(string Ticket, DateTimeOffset ExpiresAt, string Events, string Realtime);
