using System.Text.Json;

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
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = "Bearer";
        context.Response.ContentType = "application/problem+json";
        var problem = new Dictionary<string, object?>
        {
            ["type"] = $"https://deckard.dev/problems/{code}",
            ["title"] = "Authentication is required",
            ["status"] = 401,
            ["detail"] = detail,
            ["code"] = code,
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(problem), context.RequestAborted);
    }
}
