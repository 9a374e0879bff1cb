using System.Text.Encodings.Web;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Security;

/// <summary>
/// <c>?ticket=dkt_…</c> on a session's event stream or realtime socket, and nowhere else: the ticket is spent on the
/// first request that shows it, and only for the session it was issued for.
/// </summary>
public sealed class TicketAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory loggers, UrlEncoder encoder, AccessTickets tickets)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggers, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (Request.Query[DeckardSchemes.TicketQueryParameter] is not [{ Length: > 0 } ticket])
        {
            return AuthenticateResult.NoResult();
        }

        if (!TicketPaths.TryReadSession(Request.Path, out var pathSession))
        {
            AuthenticationProblem.Remember(Context, "ticket-not-accepted-here",
                "A ticket opens a session's event stream or realtime socket only; send the API key in the Authorization header instead.");
            return AuthenticateResult.Fail("Ticket on a path that does not take tickets.");
        }

        var redeemed = await tickets.RedeemAsync(ticket);
        if (redeemed is not { } valid || valid.SessionId != pathSession)
        {
            AuthenticationProblem.Remember(Context, "invalid-ticket",
                "The ticket is unknown, expired, already used, or for another session; get a fresh one from POST /api/sessions/{id}/tickets.");
            return AuthenticateResult.Fail("Invalid ticket.");
        }

        return AuthenticateResult.Success(PrincipalTicket.Create(valid.Principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => AuthenticationProblem.WriteAsync(Context);
}

/// <summary>The only URLs a ticket opens: <c>/api/sessions/{id}/events</c> and <c>/api/sessions/{id}/realtime</c>.</summary>
public static class TicketPaths
{
    public static bool TryReadSession(PathString path, out Guid sessionId)
    {
        sessionId = Guid.Empty;
        var segments = (path.Value ?? "").Split('/', StringSplitOptions.RemoveEmptyEntries);
        return segments is ["api", "sessions", var id, "events" or "realtime"] && Guid.TryParse(id, out sessionId);
    }
}
