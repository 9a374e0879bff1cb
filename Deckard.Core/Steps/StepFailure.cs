using System.ClientModel;
using System.Globalization;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.Core.Steps;

/// <summary>Whether a failure is worth retrying, how long the other side asked us to wait, and how to say it to a person.</summary>
public sealed record StepFailure(bool IsTransient, string Reason, TimeSpan? RetryAfter)
{
    private static readonly int[] TransientStatuses = [408, 409, 429, 500, 502, 503, 504];

    public static StepFailure From(Exception exception) => exception switch
    {
        StepFailedException failed => new(failed.IsTransient, failed.Message, null),
        ClientResultException { Status: 0 } network => new(true, $"OpenAI could not be reached: {network.InnerException?.Message ?? network.Message}", null),
        ClientResultException model => new(
            TransientStatuses.Contains(model.Status), DescribeOpenAIError(model), RetryAfterOf(model)),
        HttpRequestException or IOException or TimeoutException or TaskCanceledException =>
            new(true, $"A service did not answer: {exception.Message}", null),
        NpgsqlException { IsTransient: true } => new(true, $"The database was briefly unavailable: {exception.Message}", null),
        RedisException => new(true, $"Redis was briefly unavailable: {exception.Message}", null),
        _ => new(false, $"Unexpected error: {exception.Message}", null),
    };

    /// <summary>"OpenAI answered HTTP 500 (server_error): The server had an error..." from the SDK's message.</summary>
    private static string DescribeOpenAIError(ClientResultException exception)
    {
        var lines = exception.Message.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var detail = lines.Length > 1 ? lines[^1] : lines.FirstOrDefault() ?? "";
        var summary = lines.FirstOrDefault() ?? $"HTTP {exception.Status}";
        var hint = exception.Status switch
        {
            400 when exception.Message.Contains("moderation_blocked", StringComparison.Ordinal) =>
                " The image model's safety system refused this description; describe the portrait differently.",
            401 => " Check the OpenAI API key Deckard is configured with.",
            429 => " OpenAI is rate-limiting Deckard's key.",
            >= 500 => " OpenAI is having trouble; try again later.",
            _ => "",
        };
        return $"OpenAI answered {summary}: {detail}.{hint}".Replace("..", ".", StringComparison.Ordinal);
    }

    private static TimeSpan? RetryAfterOf(ClientResultException exception)
    {
        var response = exception.GetRawResponse();
        if (response is null || !response.Headers.TryGetValue("Retry-After", out var value) || value is null)
        {
            return null;
        }

        if (int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }

        return DateTimeOffset.TryParse(value, CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at)
            ? at - DateTimeOffset.UtcNow
            : null;
    }
}
