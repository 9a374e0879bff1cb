using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Tests.Infrastructure;

/// <summary>The admin API as a test uses it: queue scripted steps, read the journal, reset.</summary>
public sealed class AdminClient(HttpClient http, string adminKey) : IDisposable
{
    public async Task QueueAsync(string endpoint, object step)
    {
        using var response = await SendAsync(HttpMethod.Post, $"admin/scripts/{endpoint}", step);
        response.EnsureSuccessStatusCode();
    }

    public async Task ResetAsync()
    {
        using var response = await SendAsync(HttpMethod.Post, "admin/reset", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task SetLatencyAsync(int milliseconds)
    {
        using var response = await SendAsync(HttpMethod.Put, "admin/latency", new { milliseconds });
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The journal, optionally one endpoint's calls only, and only those that offered a tool (e.g. <c>web_search</c>).</summary>
    public async Task<IReadOnlyList<JsonObject>> RequestsAsync(string? endpoint = null, string? tool = null)
    {
        var filters = new[] { ("endpoint", endpoint), ("tool", tool) }.Where(filter => filter.Item2 is not null)
            .Select(filter => $"{filter.Item1}={Uri.EscapeDataString(filter.Item2!)}").ToList();
        using var response = await SendAsync(HttpMethod.Get, filters.Count == 0 ? "admin/requests" : "admin/requests?" + string.Join("&", filters), null);
        response.EnsureSuccessStatusCode();
        var array = (JsonArray)(await response.Content.ReadFromJsonAsync<JsonNode>())!;
        return [.. array.Select(node => (JsonObject)node!)];
    }

    public async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, object? body, bool withKey = true)
    {
        using var request = new HttpRequestMessage(method, path);
        if (withKey)
        {
            request.Headers.Add("X-Admin-Key", adminKey);
        }

        if (body is not null)
        {
            request.Content = body is string text
                ? new StringContent(text, System.Text.Encoding.UTF8, "application/json")
                : JsonContent.Create(body);
        }

        return await http.SendAsync(request);
    }

    public void Dispose() => http.Dispose();
}
