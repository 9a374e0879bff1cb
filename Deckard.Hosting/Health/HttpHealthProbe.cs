namespace Deckard.Hosting.Health;

/// <summary>GET on the replica's readiness path: 200 is healthy, anything else (or no answer in 2 s) is not.</summary>
public sealed class HttpHealthProbe(HttpClient client, Uri url) : IHealthProbe
{
    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var response = await client.GetAsync(url, timeout.Token);
            if (response.IsSuccessStatusCode)
            {
                return HealthProbeResult.Healthy;
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token);
            return HealthProbeResult.Unhealthy($"{url.AbsolutePath} answered {(int)response.StatusCode}: {Truncate(body, 300)}");
        }
        catch (Exception exception) when (exception is HttpRequestException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Unhealthy($"{url} did not answer: {exception.Message}");
        }
    }

    private static string Truncate(string text, int length) => text.Length <= length ? text : text[..length] + "…";

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
