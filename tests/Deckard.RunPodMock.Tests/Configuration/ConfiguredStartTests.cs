using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Configuration;

/// <summary>A stand-in configured to boot slowly, with a fault armed from configuration and an admin key.</summary>
public sealed class BootingServer() : RunPodMockServer(new Dictionary<string, string?>
{
    ["RunPodMock:StartupDelaySeconds"] = "5",
    ["RunPodMock:Faults:0:Kind"] = "RunCrash",
    ["RunPodMock:Faults:0:Count"] = "1",
    ["RunPodMock:AdminKey"] = ConfiguredStartTests.AdminKey,
});

public sealed class ConfiguredStartTests(BootingServer server) : IClassFixture<BootingServer>
{
    public const string AdminKey = "admin-test-key";

    [Fact]
    public async Task A_configured_boot_answers_502_with_health_degraded_then_serves_and_the_configured_fault_fires()
    {
        using var http = server.Http();
        using var admin = server.Http();
        admin.DefaultRequestHeaders.Add("X-Admin-Key", AdminKey);

        var health = (await http.GetFromJsonAsync<JsonObject>("health"))!;
        using var duringBoot = await http.GetAsync("config");
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(20));
        HttpStatusCode status;
        do
        {
            await Task.Delay(50, deadline.Token);
            using var poll = await http.GetAsync("config", deadline.Token);
            status = poll.StatusCode;
        }
        while (status == HttpStatusCode.BadGateway);

        var faults = (await admin.GetFromJsonAsync<JsonObject>("admin/faults"))!;
        using var api = new GradioApi(server.Http(), server.Media);
        var frames = await api.CallAndReadAsync(await api.InputsAsync());

        Assert.Equal(HttpStatusCode.BadGateway, duringBoot.StatusCode);
        Assert.Equal("Degraded", (string?)health["status"]);
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.Equal("run_crash", (string?)faults["armed"]![0]!["kind"]);
        Assert.Equal("null", frames.Single(frame => frame.Event == "error").Data);
    }

    [Fact]
    public async Task The_admin_api_requires_the_configured_key()
    {
        using var http = server.Http();

        using var refused = await http.GetAsync("admin/state");
        using var request = new HttpRequestMessage(HttpMethod.Get, "admin/state");
        request.Headers.Add("X-Admin-Key", AdminKey);
        using var accepted = await http.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, refused.StatusCode);
        Assert.Equal(HttpStatusCode.OK, accepted.StatusCode);
    }
}
