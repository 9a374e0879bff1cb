namespace Deckard.Api.Security;

/// <summary>
/// Headers on every response: no MIME sniffing, no framing, no referrer, and a content security policy that lets
/// nothing run (the API serves JSON, events and media; the API reference page at <c>/scalar</c> keeps its own).
/// </summary>
public sealed class SecurityHeaders(RequestDelegate next)
{
    public const string ApiContentSecurityPolicy = "default-src 'none'; frame-ancestors 'none'; sandbox";

    public Task InvokeAsync(HttpContext context)
    {
        var headers = context.Response.Headers;
        headers.XContentTypeOptions = "nosniff";
        headers.XFrameOptions = "DENY";
        headers["Referrer-Policy"] = "no-referrer";
        if (!context.Request.Path.StartsWithSegments("/scalar"))
        {
            headers.ContentSecurityPolicy = ApiContentSecurityPolicy;
        }

        return next(context);
    }
}
