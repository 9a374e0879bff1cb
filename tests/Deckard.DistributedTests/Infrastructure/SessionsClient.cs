using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>What a front end does with Deckard's API: create sessions, read them, follow their events.</summary>
public sealed class SessionsClient(HttpClient api)
{
    public HttpClient Http => api;

    public Task<HttpResponseMessage> CreateWithPromptAsync(string prompt, string? options = null) =>
        PostAsync(content => content.Add(new StringContent(prompt), "prompt"), options);

    public Task<HttpResponseMessage> CreateWithAudioAsync(byte[] audio, string fileName, string? options = null, string contentType = "application/octet-stream") =>
        PostAsync(content =>
        {
            var file = new ByteArrayContent(audio);
            file.Headers.ContentType = new MediaTypeHeaderValue(contentType);
            content.Add(file, "audio", fileName);
        }, options);

    /// <summary>A lip-sync session: this portrait animated with this speech.</summary>
    public Task<HttpResponseMessage> CreateLipsyncAsync(byte[] portrait, byte[] speech, string? options = null) =>
        PostAsync(content =>
        {
            content.Add(new ByteArrayContent(portrait), "portrait", "portrait.png");
            content.Add(new ByteArrayContent(speech), "speech", "speech.wav");
        }, options);

    public async Task<Guid> CreatedIdAsync(HttpResponseMessage response)
    {
        Assert.Equal(System.Net.HttpStatusCode.Accepted, response.StatusCode);
        using var document = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return document.RootElement.GetProperty("id").GetGuid();
    }

    public async Task<JsonElement> GetAsync(Guid id)
    {
        using var document = JsonDocument.Parse(await api.GetStringAsync(new Uri($"/api/sessions/{id}", UriKind.Relative)));
        return document.RootElement.Clone();
    }

    /// <summary>Follows the SSE stream until it ends (after a terminal event) or <paramref name="stopAfter"/> says so.</summary>
    /// <summary>Reads the session's event stream (or <paramref name="path"/>, its ticketed URL) to its end.</summary>
    public async Task<List<ServerSentEvent>> FollowEventsAsync(
        Guid id, long? lastEventId = null, Func<ServerSentEvent, bool>? stopAfter = null, TimeSpan? deadline = null, string? path = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(60));
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(path ?? $"/api/sessions/{id}/events", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        if (lastEventId is { } last)
        {
            request.Headers.Add("Last-Event-ID", last.ToString(System.Globalization.CultureInfo.InvariantCulture));
        }

        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token);
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var events = new List<ServerSentEvent>();
        await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token);
        await foreach (var sessionEvent in SseReader.ReadAsync(stream, timeout.Token))
        {
            events.Add(sessionEvent);
            if (stopAfter?.Invoke(sessionEvent) == true)
            {
                break;
            }
        }

        return events;
    }

    /// <summary>The polling fallback: the same events as JSON.</summary>
    public async Task<List<ServerSentEvent>> EventsAsJsonAsync(Guid id, long after = 0)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/sessions/{id}/events?after={after}", UriKind.Relative));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var response = await api.SendAsync(request);
        response.EnsureSuccessStatusCode();
        var items = await response.Content.ReadFromJsonAsync<JsonElement>();
        return [.. items.EnumerateArray().Select(item => new ServerSentEvent(item.GetProperty("id").GetInt64(), item.GetProperty("type").GetString()!, item.GetProperty("data").Clone()))];
    }

    /// <summary>A conversation session from a typed prompt, once it is live (its <c>conversation.ready</c> event).</summary>
    public async Task<Guid> StartConversationAsync(string options = """{"intent":"conversation","lipsync":false}""")
    {
        var id = await CreatedIdAsync(await CreateWithPromptAsync("Let's talk about the sea.", options));
        var events = await FollowEventsAsync(id, stopAfter: e => e.Type is "conversation.ready" or "session.failed");
        Assert.Equal("conversation.ready", events[^1].Type);
        return id;
    }

    /// <summary>The <c>turn.completed</c> event of turn <paramref name="number"/>, once it is stored.</summary>
    public async Task<JsonElement> WaitForTurnAsync(Guid id, int number)
    {
        var events = await FollowEventsAsync(id,
            stopAfter: e => e.Type == "turn.completed" && e.Data.GetProperty("turn").GetInt32() == number, deadline: TimeSpan.FromSeconds(30));
        Assert.Equal("turn.completed", events[^1].Type);
        return events[^1].Data;
    }

    /// <summary>Waits (on the event stream) until the session ends, and returns every event.</summary>
    public Task<List<ServerSentEvent>> WaitForEndAsync(Guid id, TimeSpan? deadline = null) => FollowEventsAsync(id, deadline: deadline);

    private async Task<HttpResponseMessage> PostAsync(Action<MultipartFormDataContent> fill, string? options)
    {
        using var content = new MultipartFormDataContent();
        fill(content);
        if (options is not null)
        {
            content.Add(new StringContent(options), "options");
        }

        return await api.PostAsync(new Uri("/api/sessions", UriKind.Relative), content);
    }
}
