using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;

namespace Deckard.Benchmarks;

/// <summary>One event as the benchmark saw it: stored at <see cref="CreatedAt"/>, arrived over SSE at <see cref="ReceivedAt"/>.</summary>
internal sealed record ObservedEvent(string Type, JsonElement Data, DateTimeOffset CreatedAt, DateTimeOffset ReceivedAt);

/// <summary>What the benchmarks do with Deckard's API, as a front end would: create a session and follow its events.</summary>
internal static class SessionApi
{
    public static async Task<Guid> CreateAsync(HttpClient api, MultipartFormDataContent content)
    {
        using var response = await api.PostAsync(new Uri("/api/sessions", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("id").GetGuid();
    }

    public static async Task<Guid> CreateWithPromptAsync(HttpClient api, string prompt)
    {
        using var content = new MultipartFormDataContent { { new StringContent(prompt), "prompt" } };
        return await CreateAsync(api, content);
    }

    /// <summary>
    /// Reads the stream to its end (or to <c>conversation.ready</c>), stamping when it opened (the Api subscribes before it sends the headers) and each
    /// event on arrival; the stored events (times and data) are read afterwards as JSON.
    /// </summary>
    public static async Task<(DateTimeOffset ConnectedAt, List<ObservedEvent> Events)> FollowAsync(HttpClient api, Guid id)
    {
        DateTimeOffset connectedAt;
        var arrivals = new List<(long Id, DateTimeOffset ReceivedAt)>();
        using (var request = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/sessions/{id}/events", UriKind.Relative)))
        {
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
            using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
            connectedAt = DateTimeOffset.UtcNow;
            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(), Encoding.UTF8);
            long eventId = 0;
            var type = "";
            while (await reader.ReadLineAsync() is { } line)
            {
                if (line.StartsWith("id: ", StringComparison.Ordinal))
                {
                    eventId = long.Parse(line[4..], CultureInfo.InvariantCulture);
                }
                else if (line.StartsWith("event: ", StringComparison.Ordinal))
                {
                    type = line[7..];
                }
                else if (line.StartsWith("data: ", StringComparison.Ordinal))
                {
                    arrivals.Add((eventId, DateTimeOffset.UtcNow));
                    // A conversation's stream stays open while it is live: its pipeline part ends when it goes live.
                    if (type == "conversation.ready")
                    {
                        break;
                    }
                }
            }
        }

        using var json = new HttpRequestMessage(HttpMethod.Get, new Uri($"/api/sessions/{id}/events", UriKind.Relative));
        json.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
        using var stored = await api.SendAsync(json);
        var byId = (await stored.Content.ReadFromJsonAsync<JsonElement>()).EnumerateArray().ToDictionary(e => e.GetProperty("id").GetInt64());
        return (connectedAt, [.. arrivals.Select(arrival =>
        {
            var e = byId[arrival.Id];
            return new ObservedEvent(e.GetProperty("type").GetString()!, e.GetProperty("data").Clone(), e.GetProperty("createdAt").GetDateTimeOffset(), arrival.ReceivedAt);
        })]);
    }
}
