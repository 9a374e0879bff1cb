using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Configuration;
using Deckard.OpenAIMock.Media;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Wire;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Speech;

/// <summary><c>POST /v1/audio/speech</c>: the input spoken by espeak-ng, in the requested format, chunked like the real API.</summary>
public static class SpeechEndpoint
{
    private const int SseChunkBytes = 8 * 1024;

    public static async Task HandleAsync(
        HttpContext context, ScriptedCalls calls, SpeechSynthesizer synthesizer, IOptions<OpenAIMockOptions> options, ILogger<SpeechRequest> logger)
    {
        var request = await SpeechRequest.ReadAsync(context.Request);
        context.ReceivedRequest()?.Describe(MockEndpoint.Speech, request.Model, request.Summary());

        var (answered, step) = await calls.BeginAsync(context, MockEndpoint.Speech, request.Error);
        if (answered)
        {
            return;
        }

        byte[] audio;
        try
        {
            audio = await synthesizer.SynthesizeAsync(request.Input, request.Voice!, request.Speed, request.Format, context.RequestAborted);
        }
        catch (MediaToolException exception)
        {
            logger.LogError(exception, "Speech for {RequestId} failed", context.TraceIdentifier);
            await new OpenAIError(500, "The stand-in could not synthesize speech: " + exception.Message, "server_error", null, null)
                .WriteAsync(context.Response);
            return;
        }

        logger.LogInformation("Speech for {RequestId}: {InputChars} characters, voice {Voice}, {Format}, {Bytes} bytes",
            context.TraceIdentifier, request.Input.Length, request.Voice, request.ResponseFormat, audio.Length);

        if (request.StreamFormat == "sse")
        {
            await WriteSseAsync(context.Response, request, audio, options.Value.Media.WordsPerMinute);
            return;
        }

        // No Content-Length: Kestrel sends it chunked, as OpenAI does.
        context.Response.ContentType = request.Format.ContentType;
        await context.Response.Body.WriteAsync(audio, context.RequestAborted);
    }

    private static async Task WriteSseAsync(HttpResponse response, SpeechRequest request, byte[] audio, int wordsPerMinute)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        for (var offset = 0; offset < audio.Length; offset += SseChunkBytes)
        {
            var chunk = audio.AsSpan(offset, Math.Min(SseChunkBytes, audio.Length - offset));
            await WriteEventAsync(response, new JsonObject { ["type"] = "speech.audio.delta", ["audio"] = Convert.ToBase64String(chunk) });
        }

        var words = request.Input.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length;
        var inputTokens = TokenEstimator.ForText(request.Input);
        var outputTokens = TokenEstimator.ForAudio(TimeSpan.FromMinutes(words / (wordsPerMinute * request.Speed)));
        await WriteEventAsync(response, new JsonObject
        {
            ["type"] = "speech.audio.done",
            ["usage"] = new JsonObject { ["input_tokens"] = inputTokens, ["output_tokens"] = outputTokens, ["total_tokens"] = inputTokens + outputTokens },
        });
        await response.WriteAsync("data: [DONE]\r\n\r\n", response.HttpContext.RequestAborted);
    }

    private static async Task WriteEventAsync(HttpResponse response, JsonObject data)
    {
        await response.WriteAsync($"data: {data.ToJsonString()}\r\n\r\n", response.HttpContext.RequestAborted);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }
}
