using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Hosting;

public sealed class HealthTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task Health_answers_healthy_with_ffmpeg_found_and_the_pod_listening_and_is_not_journaled()
    {
        var health = (await Api.Http.GetFromJsonAsync<JsonObject>("health"))!;

        Assert.Equal("Healthy", (string?)health["status"]);
        Assert.Equal("Healthy", (string?)health["checks"]!["media-tools"]!["status"]);
        Assert.Equal("Healthy", (string?)health["checks"]!["pod"]!["status"]);
        Assert.Empty(await Admin.RequestsAsync());
    }

    [Fact]
    public async Task While_the_pod_boots_health_stays_200_but_degraded()
    {
        await Admin.ArmAsync(new { kind = "pod_booting", seconds = 30 });

        using var response = await Api.Http.GetAsync("health");
        var health = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("Degraded", (string?)health["status"]);
    }
}
