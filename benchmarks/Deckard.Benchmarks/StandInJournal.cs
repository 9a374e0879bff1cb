using System.Net.Http.Json;
using System.Text.Json;

namespace Deckard.Benchmarks;

/// <summary>
/// The OpenAI stand-in's request journal: it times each call it served to its last byte, so a session's orchestration
/// overhead is its time minus the stand-in's own time on that session's calls.
/// </summary>
internal sealed class StandInJournal(HttpClient standIn)
{
    private long _seen;

    /// <summary>Starts counting from the calls made so far.</summary>
    public async Task SkipPastAsync() =>
        _seen = (await EntriesAsync()).Select(entry => entry.GetProperty("sequence").GetInt64()).DefaultIfEmpty(0).Max();

    /// <summary>The stand-in's time on the calls since the last read, once each has been timed to its last byte.</summary>
    public async Task<double> TimeSinceLastReadAsync() => (await CallsSinceLastReadAsync()).Milliseconds;

    /// <summary>The calls since the last read: the stand-in's time on them, when the first arrived and when the last ended.</summary>
    public async Task<StandInCalls> CallsSinceLastReadAsync()
    {
        for (var attempt = 0; ; attempt++)
        {
            var entries = (await EntriesAsync()).Where(entry => entry.GetProperty("sequence").GetInt64() > _seen).ToList();
            if (entries.All(entry => entry.GetProperty("duration_ms").ValueKind == JsonValueKind.Number) || attempt == 100)
            {
                _seen = entries.Select(entry => entry.GetProperty("sequence").GetInt64()).DefaultIfEmpty(_seen).Max();
                static double Duration(JsonElement entry) =>
                    entry.GetProperty("duration_ms").ValueKind == JsonValueKind.Number ? entry.GetProperty("duration_ms").GetDouble() : 0;
                static DateTimeOffset Received(JsonElement entry) => entry.GetProperty("received_at").GetDateTimeOffset();
                return entries.Count == 0
                    ? new StandInCalls(0, null, null)
                    : new StandInCalls(entries.Sum(Duration), entries.Min(Received), entries.Max(entry => Received(entry).AddMilliseconds(Duration(entry))));
            }

            await Task.Delay(10);
        }
    }

    private async Task<List<JsonElement>> EntriesAsync()
    {
        var root = await standIn.GetFromJsonAsync<JsonElement>(new Uri("/admin/requests", UriKind.Relative));
        var items = root.ValueKind == JsonValueKind.Array ? root : root.GetProperty("requests");
        return [.. items.EnumerateArray().Select(item => item.Clone())];
    }
}

/// <summary>What the stand-in spent on a set of calls, and when they began and ended on its clock.</summary>
internal sealed record StandInCalls(double Milliseconds, DateTimeOffset? FirstReceived, DateTimeOffset? LastFinished);
