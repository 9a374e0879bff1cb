using System.Globalization;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Scripting;

/// <summary>The start every <c>/v1</c> handler shares: take the scripted step for the call and wait out the latency.</summary>
public sealed class ScriptedCalls(ScriptBook book)
{
    /// <summary>The step scripted for this call (null: default rules), after the standing plus scripted latency has passed.</summary>
    public async Task<ScriptStep?> BeginAsync(HttpContext context, MockEndpoint endpoint)
    {
        var step = book.TakeNext(endpoint);
        if (step is not null)
        {
            context.ReceivedRequest()?.MarkScripted();
        }

        var latency = book.StandingLatencyMs + (step?.LatencyMs ?? 0);
        if (latency > 0)
        {
            await Task.Delay(latency, context.RequestAborted);
        }

        return step;
    }

    /// <summary>
    /// Begins a call and answers what comes before any work, in OpenAI's order as the stand-in fakes it: a scripted
    /// failure, else the request's own validation error. <c>Answered</c> is true when a response was written.
    /// </summary>
    public async Task<(bool Answered, ScriptStep? Step)> BeginAsync(HttpContext context, MockEndpoint endpoint, OpenAIError? requestError)
    {
        var step = await BeginAsync(context, endpoint);
        if (step?.Fail is { } failure)
        {
            await WriteFailureAsync(context.Response, failure);
            return (true, step);
        }

        if (requestError is not null)
        {
            await requestError.WriteAsync(context.Response);
            return (true, step);
        }

        return (false, step);
    }

    /// <summary>Per-connection steps for realtime turns: no HTTP context, latency waited by the caller.</summary>
    public ScriptStep? TakeNext(MockEndpoint endpoint) => book.TakeNext(endpoint);

    public static OpenAIError ErrorFor(ScriptedFailure failure) =>
        OpenAIError.ForStatus(failure.Status, failure.Message, failure.Type, failure.Code);

    public static Task WriteFailureAsync(HttpResponse response, ScriptedFailure failure)
    {
        if (failure.RetryAfterSeconds is { } seconds)
        {
            response.Headers.RetryAfter = seconds.ToString(CultureInfo.InvariantCulture);
        }

        if (failure.Status == 429)
        {
            response.Headers["x-ratelimit-limit-requests"] = "500";
            response.Headers["x-ratelimit-remaining-requests"] = "0";
            response.Headers["x-ratelimit-reset-requests"] = $"{failure.RetryAfterSeconds ?? 1}s";
        }

        return ErrorFor(failure).WriteAsync(response);
    }
}
