using System.Text.Json;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Deckard.Api;

/// <summary>Every refusal Deckard answers: RFC 9457 problem+json with a stable <c>code</c> a front end can switch on.</summary>
public static class ApiProblems
{
    public static ProblemHttpResult Create(int status, string code, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        var all = new Dictionary<string, object?>(extensions ?? new Dictionary<string, object?>()) { ["code"] = code };
        return TypedResults.Problem(statusCode: status, title: title, detail: detail, type: TypeOf(code), extensions: all);
    }

    public static string TypeOf(string code) => $"https://deckard.dev/problems/{code}";

    /// <summary>
    /// The same problem written straight to the response, for middleware and authentication handlers that answer
    /// before an endpoint runs (a 401 challenge, a 429 from the rate limiter).
    /// </summary>
    public static Task WriteAsync(
        HttpContext context, int status, string code, string title, string detail, IDictionary<string, object?>? extensions = null)
    {
        context.Response.StatusCode = status;
        context.Response.ContentType = "application/problem+json";
        var problem = new Dictionary<string, object?>
        {
            ["type"] = TypeOf(code),
            ["title"] = title,
            ["status"] = status,
            ["detail"] = detail,
            ["code"] = code,
        };
        foreach (var (name, value) in extensions ?? new Dictionary<string, object?>())
        {
            problem[name] = value;
        }

        return context.Response.WriteAsync(JsonSerializer.Serialize(problem), context.RequestAborted);
    }

    /// <summary>A <c>Retry-After</c> in whole seconds, at least one.</summary>
    public static int RetryAfterSeconds(TimeSpan wait) => Math.Max(1, (int)Math.Ceiling(wait.TotalSeconds));

    /// <summary>
    /// A code for the problems ASP.NET Core writes itself (an unmatched route, a wrong method, a bad parameter), so
    /// every 4xx a client sees carries one.
    /// </summary>
    public static string DefaultCode(int status) => status switch
    {
        400 => "bad-request",
        401 => "unauthenticated",
        403 => "forbidden",
        404 => "not-found",
        405 => "method-not-allowed",
        406 => "not-acceptable",
        408 => "request-timeout",
        409 => "conflict",
        411 => "length-required",
        413 => "request-too-large",
        414 => "uri-too-long",
        415 => "unsupported-media-type",
        429 => "rate-limited",
        431 => "headers-too-large",
        >= 500 => "server-error",
        _ => "client-error",
    };
}
