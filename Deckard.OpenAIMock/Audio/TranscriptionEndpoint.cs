using System.Globalization;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Audio;

/// <summary><c>POST /v1/audio/transcriptions</c>: a scripted transcript, else <see cref="DefaultTranscript"/>.</summary>
public static class TranscriptionEndpoint
{
    public static async Task HandleAsync(HttpContext context, ScriptedCalls calls, ILogger<TranscriptionRequest> logger)
    {
        var request = await TranscriptionRequest.ReadAsync(context.Request);
        context.ReceivedRequest()?.Describe(MockEndpoint.Transcriptions, request.Model, request.Summary());

        var (answered, step) = await calls.BeginAsync(context, MockEndpoint.Transcriptions, request.Error);
        if (answered)
        {
            return;
        }

        var text = step?.Transcript ?? DefaultTranscript.For(request.Audio);
        var duration = AudioDuration.Of(request.Audio, request.Extension);
        logger.LogInformation(
            "Transcription {RequestId}: {AudioBytes} bytes of {Format}, {DurationMs} ms, answered with {TranscriptChars} characters as {ResponseFormat}",
            context.TraceIdentifier, request.Audio.Length, request.Extension, (int)duration.TotalMilliseconds, text.Length, request.ResponseFormat);

        if (request.Stream && !request.IsWhisper)
        {
            await WriteStreamAsync(context.Response, text, Usage(request, text, duration));
            return;
        }

        switch (request.ResponseFormat)
        {
            case "text":
                await WriteTextAsync(context.Response, text + "\n");
                break;
            case "srt":
                await WriteTextAsync(context.Response, $"1\n00:00:00,000 --> {Timestamp(duration, ',')}\n{text}\n\n");
                break;
            case "vtt":
                await WriteTextAsync(context.Response, $"WEBVTT\n\n00:00:00.000 --> {Timestamp(duration, '.')}\n{text}\n\n");
                break;
            case "verbose_json":
                await context.Response.WriteAsJsonAsync(Verbose(request, text, duration), context.RequestAborted);
                break;
            default:
                await context.Response.WriteAsJsonAsync(
                    new JsonObject { ["text"] = text, ["usage"] = Usage(request, text, duration) }, context.RequestAborted);
                break;
        }
    }

    private static JsonObject Usage(TranscriptionRequest request, string text, TimeSpan duration)
    {
        if (request.IsWhisper)
        {
            return new JsonObject { ["type"] = "duration", ["seconds"] = (int)Math.Ceiling(duration.TotalSeconds) };
        }

        var audioTokens = Math.Max(1, TokenEstimator.ForAudio(duration));
        var promptTokens = TokenEstimator.ForText(request.Prompt);
        var outputTokens = TokenEstimator.ForText(text);
        return new JsonObject
        {
            ["type"] = "tokens",
            ["input_tokens"] = audioTokens + promptTokens,
            ["input_token_details"] = new JsonObject { ["text_tokens"] = promptTokens, ["audio_tokens"] = audioTokens },
            ["output_tokens"] = outputTokens,
            ["total_tokens"] = audioTokens + promptTokens + outputTokens,
        };
    }

    private static JsonObject Verbose(TranscriptionRequest request, string text, TimeSpan duration)
    {
        var seconds = Math.Round(duration.TotalSeconds, 2);
        return new JsonObject
        {
            ["task"] = "transcribe",
            ["language"] = request.Language ?? "english",
            ["duration"] = seconds,
            ["text"] = text,
            ["segments"] = new JsonArray(new JsonObject
            {
                ["id"] = 0,
                ["seek"] = 0,
                ["start"] = 0.0,
                ["end"] = seconds,
                ["text"] = " " + text,
                ["tokens"] = new JsonArray(),
                ["temperature"] = 0.0,
                ["avg_logprob"] = -0.2,
                ["compression_ratio"] = 1.0,
                ["no_speech_prob"] = 0.01,
            }),
            ["usage"] = Usage(request, text, duration),
        };
    }

    /// <summary>Streaming transcription as recorded: <c>data:</c> lines with CRLF ends, closed by <c>data: [DONE]</c>.</summary>
    private static async Task WriteStreamAsync(HttpResponse response, string text, JsonObject usage)
    {
        response.ContentType = "text/event-stream; charset=utf-8";
        response.Headers.CacheControl = "no-cache";
        var words = TextChunks.Words(text);
        foreach (var word in words)
        {
            await WriteEventAsync(response, new JsonObject { ["type"] = "transcript.text.delta", ["delta"] = word, ["logprobs"] = new JsonArray() });
        }

        await WriteEventAsync(response, new JsonObject
        {
            ["type"] = "transcript.text.done",
            ["text"] = text,
            ["logprobs"] = new JsonArray(),
            ["usage"] = usage,
        });
        await response.WriteAsync("data: [DONE]\r\n\r\n", response.HttpContext.RequestAborted);
    }

    private static async Task WriteEventAsync(HttpResponse response, JsonObject data)
    {
        await response.WriteAsync($"data: {data.ToJsonString()}\r\n\r\n", response.HttpContext.RequestAborted);
        await response.Body.FlushAsync(response.HttpContext.RequestAborted);
    }

    private static Task WriteTextAsync(HttpResponse response, string body)
    {
        response.ContentType = "text/plain; charset=utf-8";
        return response.WriteAsync(body, response.HttpContext.RequestAborted);
    }

    private static string Timestamp(TimeSpan time, char separator) =>
        time.ToString(@"hh\:mm\:ss", CultureInfo.InvariantCulture) + separator + time.Milliseconds.ToString("000", CultureInfo.InvariantCulture);
}
