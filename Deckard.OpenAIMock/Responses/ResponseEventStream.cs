using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Wire;
using Microsoft.AspNetCore.Http.Features;

namespace Deckard.OpenAIMock.Responses;

/// <summary>Thrown when a scripted break ends a stream early; the endpoint stops writing.</summary>
public sealed class ScriptedStreamBreakException : Exception
{
    public ScriptedStreamBreakException()
        : base("The script broke the stream.")
    {
    }

    public ScriptedStreamBreakException(string message)
        : base(message)
    {
    }

    public ScriptedStreamBreakException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}

/// <summary>
/// Server-sent events as the Responses API writes them: <c>event: TYPE</c> and <c>data: JSON</c> where the JSON carries
/// <c>type</c> and an increasing <c>sequence_number</c>; no <c>[DONE]</c>. Honours a scripted break after N events.
/// </summary>
public sealed class ResponseEventStream(HttpContext context, int? breakAfterEvents, bool breakWithErrorEvent)
{
    private int _sequence;

    public void Start()
    {
        context.Response.ContentType = "text/event-stream; charset=utf-8";
        context.Response.Headers.CacheControl = "no-cache";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
    }

    public async Task WriteAsync(string type, JsonObject payload)
    {
        if (_sequence == breakAfterEvents)
        {
            await BreakAsync();
        }

        var data = new JsonObject { ["type"] = type, ["sequence_number"] = _sequence };
        foreach (var (name, value) in payload)
        {
            data[name] = value?.DeepClone();
        }

        _sequence++;
        await WriteRawAsync(type, data);
    }

    private async Task BreakAsync()
    {
        if (breakWithErrorEvent)
        {
            await WriteRawAsync("error", new JsonObject
            {
                ["type"] = "error",
                ["sequence_number"] = _sequence,
                ["code"] = "server_error",
                ["message"] = "The server had an error while processing your request. Sorry about that!",
                ["param"] = null,
            });
        }
        else
        {
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await ConnectionBreaker.BreakAsync(context);
        }

        throw new ScriptedStreamBreakException();
    }

    private async Task WriteRawAsync(string type, JsonObject data)
    {
        await context.Response.WriteAsync($"event: {type}\ndata: {data.ToJsonString()}\n\n", context.RequestAborted);
        await context.Response.Body.FlushAsync(context.RequestAborted);
    }
}
