using System.Net.Http.Json;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// The OpenAPI document declares the refusals the other security tests see at each endpoint, with the problem+json
/// shape, so a client generated from it types its errors (web/src/lib/agents.ts does).
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class ProblemDocumentTests
{
    private readonly PipelineFixture _pipeline;

    public ProblemDocumentTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Theory]
    [MemberData(nameof(EndpointTable.All), MemberType = typeof(EndpointTable))]
    public async Task Every_endpoint_declares_its_401_429_and_for_a_session_its_404_as_problem_json(string endpoint)
    {
        var document = await _pipeline.Sessions.Http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        var (method, path) = (endpoint.Split(' ')[0].ToLowerInvariant(), endpoint.Split(' ')[1]);
        var responses = document.GetProperty("paths").GetProperty(path).GetProperty(method).GetProperty("responses");

        string[] expected = EndpointTable.SessionScoped.Contains(endpoint) ? ["401", "404", "429"] : ["401", "429"];
        foreach (var status in expected)
        {
            Assert.True(responses.TryGetProperty(status, out var response), $"{endpoint} does not declare {status}");
            var schema = response.GetProperty("content").GetProperty("application/problem+json").GetProperty("schema").GetProperty("$ref").GetString();
            Assert.Equal("#/components/schemas/ProblemResponse", schema);
        }

        var problem = document.GetProperty("components").GetProperty("schemas").GetProperty("ProblemResponse");
        Assert.Equal(["code", "detail", "status", "title", "type"], problem.GetProperty("required").EnumerateArray().Select(name => name.GetString()).Order());
    }
}
