using Microsoft.AspNetCore.Diagnostics;

namespace Deckard.Api;

/// <summary>
/// A query or route value that cannot be bound (<c>?limit=ten</c>, a number beyond its type) is the caller's mistake:
/// 400 problem+json naming the parameter, in every environment (Development would otherwise turn it into a 500).
/// </summary>
public sealed class BadRequestHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException badRequest)
        {
            return false;
        }

        context.Response.StatusCode = badRequest.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            ProblemDetails =
            {
                Status = badRequest.StatusCode,
                Title = "A request value is not valid",
                // The framework's message names the parameter and its type, never more than the caller sent.
                Detail = badRequest.Message,
                Type = ApiProblems.TypeOf("invalid-parameter"),
                Extensions = { ["code"] = badRequest.StatusCode == StatusCodes.Status400BadRequest ? "invalid-parameter" : ApiProblems.DefaultCode(badRequest.StatusCode) },
            },
        });
    }
}
