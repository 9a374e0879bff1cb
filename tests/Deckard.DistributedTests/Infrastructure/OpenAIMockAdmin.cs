using System.Net.Http.Json;
using System.Text.Json;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>The OpenAI stand-in's admin API: script answers and failures, set latency, read what it received.</summary>
public sealed class OpenAIMockAdmin(HttpClient client)
{
    public async Task ResetAsync() => (await client.PostAsync(new Uri("/admin/reset", UriKind.Relative), null)).EnsureSuccessStatusCode();

    public async Task ScriptAsync(string endpoint, object step) =>
        (await client.PostAsJsonAsync(new Uri($"/admin/scripts/{endpoint}", UriKind.Relative), step)).EnsureSuccessStatusCode();

    public async Task SetLatencyAsync(int milliseconds) =>
        (await client.PutAsJsonAsync(new Uri("/admin/latency", UriKind.Relative), new { milliseconds })).EnsureSuccessStatusCode();

    public async Task<IReadOnlyList<JsonElement>> RequestsAsync(string endpoint)
    {
        using var document = JsonDocument.Parse(await client.GetStringAsync(new Uri($"/admin/requests?endpoint={endpoint}", UriKind.Relative)));
        var root = document.RootElement;
        var items = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("requests");
        return [.. items.EnumerateArray().Select(item => item.Clone())];
    }
}
