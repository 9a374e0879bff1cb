using System.Net;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// Sessions, events, tickets, conversations and avatars belong to the principal that made them: another principal
/// gets 404 (never 403, so ids cannot be probed), and lists show only one's own.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class OwnershipTests
{
    private readonly PipelineFixture _pipeline;

    public OwnershipTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Theory]
    [MemberData(nameof(EndpointTable.SessionScopedNames), MemberType = typeof(EndpointTable))]
    public async Task Another_principals_session_is_not_found_at_every_endpoint(string endpoint)
    {
        var alice = await _pipeline.ClientForAsync($"alice-{Guid.NewGuid():N}");
        var bob = await _pipeline.ClientForAsync($"bob-{Guid.NewGuid():N}");
        var id = await alice.CreatedIdAsync(await alice.CreateWithPromptAsync("What is the tallest mountain?", """{"intent":"search","lipsync":false}"""));
        await alice.WaitForEndAsync(id);
        var unknown = Guid.NewGuid();

        using var theirs = await bob.Http.SendAsync(EndpointTable.Requests[endpoint](id));
        using var nobodys = await bob.Http.SendAsync(EndpointTable.Requests[endpoint](unknown));

        var problem = await ProblemAssert.IsProblemAsync(theirs, 404, "session-not-found");
        await ProblemAssert.IsProblemAsync(nobodys, 404, "session-not-found");
        // The same answer as for an id that does not exist, word for word but the id.
        Assert.Equal(
            (await nobodys.Content.ReadAsStringAsync()).Replace(unknown.ToString(), "ID", StringComparison.Ordinal).Split("\"traceId\"")[0],
            (await theirs.Content.ReadAsStringAsync()).Replace(id.ToString(), "ID", StringComparison.Ordinal).Split("\"traceId\"")[0]);
        Assert.Equal("completed", (await alice.GetAsync(id)).GetProperty("status").GetString());
        Assert.DoesNotContain("alice", problem.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Lists_show_only_ones_own_sessions_and_avatars()
    {
        var alice = await _pipeline.ClientForAsync($"alice-{Guid.NewGuid():N}");
        var bob = await _pipeline.ClientForAsync($"bob-{Guid.NewGuid():N}");
        var portrait = await alice.CreatedIdAsync(await alice.CreateWithPromptAsync("Paint a portrait of me as an astronaut", """{"intent":"avatar"}"""));
        Assert.Equal("session.completed", (await alice.WaitForEndAsync(portrait))[^1].Type);
        var bobs = await bob.CreatedIdAsync(await bob.CreateWithPromptAsync("Who wrote Hamlet?", """{"intent":"search","lipsync":false}"""));

        var aliceSessions = await ListIdsAsync(alice, "/api/sessions");
        var bobSessions = await ListIdsAsync(bob, "/api/sessions");
        var aliceAvatars = await ListIdsAsync(alice, "/api/avatars");
        var bobAvatars = await ListIdsAsync(bob, "/api/avatars");

        Assert.Equal([portrait], aliceSessions);
        Assert.Equal([bobs], bobSessions);
        Assert.Single(aliceAvatars);
        Assert.Empty(bobAvatars);
        await bob.WaitForEndAsync(bobs);
    }

    [Fact]
    public async Task A_media_link_is_a_capability_that_opens_only_its_own_artifact()
    {
        var alice = await _pipeline.ClientForAsync($"alice-{Guid.NewGuid():N}");
        var id = await alice.CreatedIdAsync(await alice.CreateWithPromptAsync("Paint a portrait of me as a sailor", """{"intent":"avatar"}"""));
        await alice.WaitForEndAsync(id);
        var artifact = (await alice.GetAsync(id)).GetProperty("artifacts").EnumerateArray().First(item => item.GetProperty("kind").GetString() == "image");
        var url = artifact.GetProperty("url").GetString()!;
        using var anyone = _pipeline.Topology.CreateApiClient(bearer: null);

        using var image = await anyone.GetAsync(new Uri(url, UriKind.Relative));
        using var another = await anyone.GetAsync(new Uri(url.Replace(artifact.GetProperty("id").GetString()!, Guid.NewGuid().ToString(), StringComparison.Ordinal), UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        await ProblemAssert.IsProblemAsync(another, 403, "invalid-media-signature");
    }

    private static async Task<List<Guid>> ListIdsAsync(SessionsClient client, string path)
    {
        using var document = JsonDocument.Parse(await client.Http.GetStringAsync(new Uri(path, UriKind.Relative)));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(item => item.GetProperty("id").GetGuid())];
    }
}
