namespace Deckard.Api.Sessions;

/// <summary>The principal a request acts for; every read and write is scoped to it.</summary>
public static class RequestOwner
{
    /// <summary>
    /// The authenticated principal's name. Endpoints are reached only once authenticated (the fallback policy), so a
    /// request without one is a wiring mistake: it fails rather than act for nobody in particular.
    /// </summary>
    public static string Of(HttpContext context) => context.User.Identity is { IsAuthenticated: true, Name: { Length: > 0 } name }
        ? name
        : throw new InvalidOperationException($"{context.Request.Path} was reached without an authenticated principal.");
}
