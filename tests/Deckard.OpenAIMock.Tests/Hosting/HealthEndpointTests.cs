using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;

namespace Deckard.OpenAIMock.Tests.Hosting;

public sealed class HealthEndpointTests(OpenAIMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task Health_needs_no_key_and_reports_the_media_tools_healthy()
    {
        using var http = Server.Http(apiKey: null);

        var health = await http.GetFromJsonAsync<JsonObject>("health");

        Assert.Equal("Healthy", (string?)health!["status"]);
        Assert.Equal("Healthy", (string?)health["checks"]!["media-tools"]!["status"]);
        Assert.Empty(await Admin.RequestsAsync());
    }
}
