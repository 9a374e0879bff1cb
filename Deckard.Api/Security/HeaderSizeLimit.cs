namespace Deckard.Api.Security;

/// <summary>
/// Refuses requests whose headers together exceed <see cref="MaxTotalBytes"/> with a 431 problem the client can read;
/// Kestrel's own limit (set higher) would only close with a bare status.
/// </summary>
public sealed class HeaderSizeLimit(RequestDelegate next)
{
    public const int MaxTotalBytes = 16 * 1024;

    /// <summary>Kestrel's hard limit, above ours so that ours answers first.</summary>
    public const int ServerMaxTotalBytes = 64 * 1024;

    public async Task InvokeAsync(HttpContext context)
    {
        long total = 0;
        foreach (var (name, values) in context.Request.Headers)
        {
            total += name.Length + 4;
            foreach (var value in values)
            {
                total += value?.Length ?? 0;
            }
        }

        if (total > MaxTotalBytes)
        {
            context.Response.StatusCode = StatusCodes.Status431RequestHeaderFieldsTooLarge;
            await ApiProblems.Create(StatusCodes.Status431RequestHeaderFieldsTooLarge, "headers-too-large", "The request headers are too large",
                $"The request's headers total {total} bytes; the limit is {MaxTotalBytes}.").ExecuteAsync(context);
            return;
        }

        await next(context);
    }
}
