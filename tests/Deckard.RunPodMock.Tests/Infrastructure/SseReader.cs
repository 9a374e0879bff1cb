using System.Net;
using System.Text;
using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Tests.Infrastructure;

/// <summary>One server-sent event: its <c>event:</c> name (null when absent) and its <c>data:</c> lines joined by newlines.</summary>
public sealed record SseFrame(string? Event, string Data)
{
    public JsonNode? Json => JsonNode.Parse(Data);

    /// <summary>The <c>msg</c> of a queue/data message.</summary>
    public string? Msg => (string?)Json?["msg"];
}

/// <summary>
/// A hand-written SSE reader over a raw HTTP response (no client library): splits on blank lines, accepts LF or CRLF,
/// joins multi-line data, skips comments. Each read has its own deadline.
/// </summary>
public sealed class SseReader : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly StreamReader _reader;

    private SseReader(HttpResponseMessage response, Stream body)
    {
        _response = response;
        _reader = new StreamReader(body, Encoding.UTF8);
    }

    public HttpStatusCode StatusCode => _response.StatusCode;

    public string? ContentType => _response.Content.Headers.ContentType?.ToString();

    /// <summary>True once the stream ended without a clean close (the connection was reset or cut).</summary>
    public bool Broken { get; private set; }

    /// <summary>True once the stream ended (cleanly or not).</summary>
    public bool Ended { get; private set; }

    /// <summary>Sends the GET and waits (30 s at most) for the response headers, which an SSE server sends at once.</summary>
    public static async Task<SseReader> OpenAsync(HttpClient http, string url)
    {
        using var headers = new CancellationTokenSource(TimeSpan.FromSeconds(30));
        using var request = new HttpRequestMessage(HttpMethod.Get, url);
        request.Headers.Accept.ParseAdd("text/event-stream");
        var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, headers.Token);
        return new SseReader(response, await response.Content.ReadAsStreamAsync(CancellationToken.None));
    }

    /// <summary>The next event, or null when the stream ends. Throws <see cref="TimeoutException"/> if none comes in time.</summary>
    public async Task<SseFrame?> NextAsync(TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        string? name = null;
        var data = new List<string>();
        while (true)
        {
            string? line;
            try
            {
                line = await _reader.ReadLineAsync(deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException("No server-sent event arrived in time.");
            }
            catch (Exception exception) when (exception is IOException or HttpRequestException)
            {
                Broken = true;
                Ended = true;
                return null;
            }

            if (line is null)
            {
                Ended = true;
                return null;
            }

            if (line.Length == 0)
            {
                if (data.Count > 0 || name is not null)
                {
                    return new SseFrame(name, string.Join('\n', data));
                }

                continue;
            }

            if (line.StartsWith(':'))
            {
                continue;
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            var field = colon < 0 ? line : line[..colon];
            var value = colon < 0 ? "" : line[(colon + 1)..];
            if (value.StartsWith(' '))
            {
                value = value[1..];
            }

            if (field == "event")
            {
                name = value;
            }
            else if (field == "data")
            {
                data.Add(value);
            }
        }
    }

    /// <summary>Reads every event until the stream ends; fails if it has not ended within <paramref name="within"/> (60 s by default).</summary>
    public async Task<List<SseFrame>> ReadToEndAsync(TimeSpan? within = null)
    {
        var frames = new List<SseFrame>();
        var deadline = DateTimeOffset.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (await NextAsync(Remaining(deadline)) is { } frame)
        {
            frames.Add(frame);
        }

        return frames;
    }

    /// <summary>Reads until an event satisfies the predicate (returning it with those before it), or the stream ends.</summary>
    public async Task<(SseFrame? Match, List<SseFrame> Before)> ReadUntilAsync(Func<SseFrame, bool> predicate, TimeSpan? within = null)
    {
        var before = new List<SseFrame>();
        var deadline = DateTimeOffset.UtcNow + (within ?? TimeSpan.FromSeconds(60));
        while (await NextAsync(Remaining(deadline)) is { } frame)
        {
            if (predicate(frame))
            {
                return (frame, before);
            }

            before.Add(frame);
        }

        return (null, before);
    }

    private static TimeSpan Remaining(DateTimeOffset deadline)
    {
        var left = deadline - DateTimeOffset.UtcNow;
        return left > TimeSpan.Zero ? left : TimeSpan.FromMilliseconds(1);
    }

    public ValueTask DisposeAsync()
    {
        _reader.Dispose();
        _response.Dispose();
        return ValueTask.CompletedTask;
    }
}
