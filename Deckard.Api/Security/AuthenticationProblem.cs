namespace Deckard.Api.Security;

/// <summary>The 401 every scheme answers: problem+json with a code, and <c>WWW-Authenticate: Bearer</c>.</summary>
public static class AuthenticationProblem
{
    private const string FailureKey = "Deckard.AuthenticationFailure";

    /// <summary>Remembers why the credentials were refused, for the challenge to say.</summary>
    public static void Remember(HttpContext context, string code, string detail) => context.Items[FailureKey] = (code, detail);

    public static bool HasReason(HttpContext context) => context.Items.ContainsKey(FailureKey);

    public static Task WriteAsync(HttpContext context)
    {
        var (code, detail) = context.Items[FailureKey] is (string knownCode, string knownDetail)
            ? (knownCode, knownDetail)
            : ("unauthenticated", "Send 'Authorization: Bearer <key>' with a Deckard API key or your identity provider's token; " +
                                  "EventSource and WebSocket URLs take ?ticket= from POST /api/sessions/{id}/tickets.");
        context.Response.Headers.WWWAuthenticate = "Bearer";
        return ApiProblems.WriteAsync(context, StatusCodes.Status401Unauthorized, code, "Authentication is required", detail);
    }
}
