using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;
using Deckard.OpenAIMock.Tests.Responses;
using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Admin;

public sealed class AdminApiTests(OpenAIMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task The_admin_API_refuses_calls_without_the_admin_key()
    {
        using var response = await Admin.SendAsync(HttpMethod.Get, "admin/requests", null, withKey: false);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
    }

    [Fact]
    public async Task The_admin_API_does_not_take_the_OpenAI_key_and_v1_does_not_take_the_admin_key()
    {
        using var http = Server.Http();
        using var admin = await http.GetAsync("admin/requests");
        using var withAdminKeyOnly = Server.Http(apiKey: OpenAIMockServer.AdminKey);
        using var v1 = await withAdminKeyOnly.PostAsync("v1/responses", JsonContent.Create(new { model = "gpt-5-mini", input = "hi" }));

        Assert.Equal(HttpStatusCode.Unauthorized, admin.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, v1.StatusCode);
    }

    [Fact]
    public async Task The_journal_records_the_stand_ins_own_time_on_each_call()
    {
        await Admin.QueueAsync("responses", new { text = "slow", latency_ms = 300 });
        var responses = Server.Client().GetResponsesClient();

        await responses.CreateResponseAsync(new CreateResponseOptions("gpt-4.1", [ResponseItem.CreateUserMessageItem("Hi")]));
        await responses.CreateResponseAsync(new CreateResponseOptions("gpt-4.1", [ResponseItem.CreateUserMessageItem("Hi")]));

        // Recorded once the last byte has gone out, which can be a moment after the client has read it.
        using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        IReadOnlyList<JsonObject> entries;
        while ((entries = await Admin.RequestsAsync("responses")).Any(entry => entry["duration_ms"] is null))
        {
            await Task.Delay(20, deadline.Token);
        }

        var durations = entries.Select(entry => (double)entry["duration_ms"]!).ToList();
        // The 300 ms latency is a timer, which may fire up to one tick (1-15 ms) before a Stopwatch reads 300 ms.
        Assert.InRange(durations[0], 285, 10_000);
        Assert.InRange(durations[1], 0, durations[0]);
    }

    [Fact]
    public async Task Queued_steps_answer_calls_in_order_and_times_repeats_a_step()
    {
        await Admin.QueueAsync("responses", new object[] { new { text = "first", times = 2 }, new { text = "second" } });
        var responses = Server.Client().GetResponsesClient();

        var answers = new List<string?>();
        for (var call = 0; call < 4; call++)
        {
            ResponseResult result = await responses.CreateResponseAsync(new CreateResponseOptions("gpt-4.1", [ResponseItem.CreateUserMessageItem("Hi")]));
            answers.Add(result.GetOutputText());
        }

        Assert.Equal(["first", "first", "second"], answers[..3]);
        Assert.StartsWith("You said: \"Hi\"", answers[3], StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reset_clears_queued_steps_and_the_journal()
    {
        await Admin.QueueAsync("responses", new { text = "scripted" });
        await Server.Client().GetResponsesClient().CreateResponseAsync(RouterTools.RouterRequest("Hello"));
        await Admin.QueueAsync("responses", new { text = "never used" });

        await Admin.ResetAsync();
        ResponseResult result = await Server.Client().GetResponsesClient().CreateResponseAsync(
            new CreateResponseOptions("gpt-4.1", [ResponseItem.CreateUserMessageItem("Hi")]));

        Assert.NotEqual("never used", result.GetOutputText());
        var entry = Assert.Single(await Admin.RequestsAsync());
        Assert.False((bool)entry["scripted"]!);
    }

    [Fact]
    public async Task A_step_with_fields_that_do_not_apply_to_the_endpoint_is_refused()
    {
        using var response = await Admin.SendAsync(HttpMethod.Post, "admin/scripts/images", new { transcript = "no images have transcripts" });
        using var unknownField = await Admin.SendAsync(HttpMethod.Post, "admin/scripts/responses", """{"txet":"typo"}""");
        using var unknownEndpoint = await Admin.SendAsync(HttpMethod.Post, "admin/scripts/embeddings", new { text = "x" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("transcript does not apply to images", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(HttpStatusCode.BadRequest, unknownField.StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, unknownEndpoint.StatusCode);
    }

    [Fact]
    public async Task Pending_steps_can_be_read_back()
    {
        await Admin.QueueAsync("speech", new { fail = new { status = 500 }, times = 3 });

        using var response = await Admin.SendAsync(HttpMethod.Get, "admin/scripts", null);
        var pending = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        var step = pending["speech"]![0]!;
        Assert.Equal(3, (int?)step["remaining_calls"]);
        Assert.Equal(500, (int?)step["step"]!["fail"]!["status"]);
    }
}
