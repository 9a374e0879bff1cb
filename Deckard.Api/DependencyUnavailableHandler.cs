using Deckard.Core.Storage;
using Microsoft.AspNetCore.Diagnostics;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.Api;

/// <summary>
/// A database or Redis that is briefly overloaded or away is the caller's cue to retry, not a server bug:
/// 503 with Retry-After and problem+json, instead of a 500.
/// </summary>
public sealed partial class DependencyUnavailableHandler(
    IProblemDetailsService problems, NpgsqlDataSource dataSource, ILogger<DependencyUnavailableHandler> logger) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not (NpgsqlException or RedisConnectionException or TimeoutException))
        {
            return false;
        }

        LogUnavailable(logger, exception.GetType().Name, exception.Message);
        BrokenConnections.ClearPoolIfServerWentAway(dataSource, exception);
        context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
        context.Response.Headers.RetryAfter = "1";
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = context,
            Exception = exception,
            ProblemDetails =
            {
                Status = StatusCodes.Status503ServiceUnavailable,
                Title = "Deckard is briefly unavailable",
                Detail = "A storage service did not answer in time. Nothing was stored; send the request again in a moment.",
            },
        });
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Answered 503: {ExceptionType}: {Reason}")]
    private static partial void LogUnavailable(ILogger logger, string exceptionType, string reason);
}
