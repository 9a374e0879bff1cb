using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Tests.Infrastructure;

/// <summary>The stand-in's admin API as tests use it.</summary>
public sealed class AdminClient(HttpClient http) : IDisposable
{
    public async Task ResetAsync()
    {
        using var response = await http.PostAsync("admin/reset", null);
        response.EnsureSuccessStatusCode();
    }

    public async Task<JsonObject> SettingsAsync(object settings)
    {
        using var response = await http.PutAsJsonAsync("admin/settings", settings);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonObject>())!;
    }

    /// <summary>Arms one fault, e.g. <c>new { kind = "run_crash", count = 1 }</c>.</summary>
    public async Task<JsonArray> ArmAsync(object fault)
    {
        using var response = await http.PostAsJsonAsync("admin/faults", fault);
        response.EnsureSuccessStatusCode();
        return (await response.Content.ReadFromJsonAsync<JsonArray>())!;
    }

    public async Task<JsonObject> FaultsAsync() => (await http.GetFromJsonAsync<JsonObject>("admin/faults"))!;

    public async Task<JsonArray> RequestsAsync(string? path = null) =>
        (await http.GetFromJsonAsync<JsonArray>(path is null ? "admin/requests" : $"admin/requests?path={Uri.EscapeDataString(path)}"))!;

    public async Task<JsonArray> JobsAsync() => (await http.GetFromJsonAsync<JsonArray>("admin/jobs"))!;

    public async Task<JsonObject> JobAsync(string eventId) => (await http.GetFromJsonAsync<JsonObject>($"admin/jobs/{eventId}"))!;

    public async Task<JsonObject> StateAsync() => (await http.GetFromJsonAsync<JsonObject>("admin/state"))!;

    /// <summary>Polls the job until the predicate holds, within a deadline (a wait on state, not a sleep).</summary>
    public async Task<JsonObject> WaitForJobAsync(string eventId, Func<JsonObject, bool> until, TimeSpan? within = null)
    {
        using var deadline = new CancellationTokenSource(within ?? TimeSpan.FromSeconds(30));
        while (true)
        {
            var job = await JobAsync(eventId);
            if (until(job))
            {
                return job;
            }

            try
            {
                await Task.Delay(25, deadline.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"Job {eventId} did not reach the expected state; last: {job.ToJsonString()}");
            }
        }
    }

    public void Dispose() => http.Dispose();
}
