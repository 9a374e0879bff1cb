using System.Net.Http.Headers;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// Every endpoint of the API that acts for a principal, by name, as a request against a given session: the tests
/// of authentication, ownership and rate limits walk this one table, so an endpoint added to the API and missing here
/// is the only way one goes untested.
/// </summary>
public static class EndpointTable
{
    public static readonly IReadOnlyDictionary<string, Func<Guid, HttpRequestMessage>> Requests = new Dictionary<string, Func<Guid, HttpRequestMessage>>
    {
        ["POST /api/sessions"] = _ => new HttpRequestMessage(HttpMethod.Post, "/api/sessions")
        {
            Content = new MultipartFormDataContent { { new StringContent("What is the capital of France?"), "prompt" } },
        },
        ["GET /api/sessions"] = _ => new HttpRequestMessage(HttpMethod.Get, "/api/sessions"),
        ["GET /api/sessions/{id}"] = id => new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{id}"),
        ["GET /api/sessions/{id}/events (SSE)"] = id => Accepting(new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{id}/events"), "text/event-stream"),
        ["GET /api/sessions/{id}/events (JSON)"] = id => Accepting(new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{id}/events?after=0"), "application/json"),
        ["POST /api/sessions/{id}/cancel"] = id => new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/{id}/cancel"),
        ["DELETE /api/sessions/{id}"] = id => new HttpRequestMessage(HttpMethod.Delete, $"/api/sessions/{id}"),
        ["POST /api/sessions/{id}/tickets"] = id => new HttpRequestMessage(HttpMethod.Post, $"/api/sessions/{id}/tickets"),
        ["GET /api/sessions/{id}/realtime"] = id => new HttpRequestMessage(HttpMethod.Get, $"/api/sessions/{id}/realtime"),
        ["GET /api/avatars"] = _ => new HttpRequestMessage(HttpMethod.Get, "/api/avatars"),
    };

    /// <summary>The endpoints that name a session: another principal's session is not found there.</summary>
    public static readonly string[] SessionScoped = [.. Requests.Keys.Where(name => name.Contains("{id}", StringComparison.Ordinal))];

    public static IEnumerable<object[]> All() => Requests.Keys.Select(name => new object[] { name });

    public static IEnumerable<object[]> SessionScopedNames() => SessionScoped.Select(name => new object[] { name });

    private static HttpRequestMessage Accepting(HttpRequestMessage request, string mediaType)
    {
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue(mediaType));
        return request;
    }
}
