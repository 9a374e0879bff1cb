using System.Net.Http.Headers;
using System.Text.Json;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>What every refusal must be: the status, <c>application/problem+json</c>, a stable <c>code</c> and a sentence.</summary>
public static class ProblemAssert
{
    public static async Task<JsonElement> IsProblemAsync(HttpResponseMessage response, int status, string code)
    {
        var body = await response.Content.ReadAsStringAsync();
        Assert.True(status == (int)response.StatusCode, $"expected {status} {code}, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(body);
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        return problem.RootElement.Clone();
    }

    public static TimeSpan RetryAfter(HttpResponseMessage response)
    {
        RetryConditionHeaderValue? retry = response.Headers.RetryAfter;
        Assert.NotNull(retry);
        Assert.NotNull(retry.Delta);
        Assert.True(retry.Delta >= TimeSpan.FromSeconds(1), $"Retry-After {retry.Delta}");
        return retry.Delta!.Value;
    }
}
