using System.Net;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// A person deletes their own finished session with its transcript and media; retention deletes finished sessions
/// after the configured age (a day here, swept every 2 s); what they spent stays counted in the day's ledger.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class DeletionAndRetentionTests
{
    private readonly PipelineFixture _pipeline;

    public DeletionAndRetentionTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public async Task Deleting_a_finished_session_removes_it_its_events_and_its_media_and_keeps_its_spend()
    {
        var owner = $"deleter-{Guid.NewGuid():N}"[..24];
        var client = await _pipeline.ClientForAsync(owner);
        var id = await client.CreatedIdAsync(await client.CreateWithPromptAsync("How old is the universe?", """{"intent":"search","lipsync":false}"""));
        await client.WaitForEndAsync(id);
        var media = (await client.GetAsync(id)).GetProperty("artifacts").EnumerateArray().First().GetProperty("url").GetString()!;
        var tokens = await _pipeline.ScalarAsync<long>("SELECT coalesce(sum(coalesce(total_tokens, coalesce(input_tokens, 0) + coalesce(output_tokens, 0))), 0)::bigint FROM steps WHERE session_id = @id", ("id", id));
        Assert.True(tokens > 0);

        using var deleted = await client.Http.DeleteAsync(new Uri($"/api/sessions/{id}", UriKind.Relative));

        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        using (var gone = await client.Http.GetAsync(new Uri($"/api/sessions/{id}", UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(gone, 404, "session-not-found");
        }

        using (var mediaGone = await client.Http.GetAsync(new Uri(media, UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(mediaGone, 404, "media-not-found");
        }

        foreach (var table in new[] { "steps", "events", "artifacts", "outbox", "turns", "answers" })
        {
            Assert.Equal(0L, await _pipeline.ScalarAsync<long>($"SELECT count(*) FROM {table} WHERE session_id = @id", ("id", id)));
        }

        Assert.Equal(tokens, await _pipeline.ScalarAsync<long>("SELECT tokens FROM spend_ledger WHERE owner = @owner", ("owner", owner)));
        using var again = await client.Http.DeleteAsync(new Uri($"/api/sessions/{id}", UriKind.Relative));
        await ProblemAssert.IsProblemAsync(again, 404, "session-not-found");
    }

    [Fact]
    public async Task A_running_session_cannot_be_deleted_until_it_is_cancelled()
    {
        var id = await _pipeline.Sessions.StartConversationAsync();

        using var refused = await _pipeline.Sessions.Http.DeleteAsync(new Uri($"/api/sessions/{id}", UriKind.Relative));
        await ProblemAssert.IsProblemAsync(refused, 409, "session-active");

        await _pipeline.Sessions.Http.PostAsync(new Uri($"/api/sessions/{id}/cancel", UriKind.Relative), null);
        using var deleted = await _pipeline.Sessions.Http.DeleteAsync(new Uri($"/api/sessions/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
    }

    [Fact]
    public async Task Retention_deletes_sessions_that_finished_longer_ago_than_the_configured_age_and_keeps_newer_ones()
    {
        var old = await FinishedSessionAsync("Who discovered penicillin?");
        var recent = await FinishedSessionAsync("Who discovered radium?");
        var artifacts = await _pipeline.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE session_id = @id", ("id", old));
        // Finished two days ago: past the one-day retention the fixture configures.
        await _pipeline.ScalarAsync<int>("UPDATE sessions SET finished_at = now() - interval '2 days' WHERE id = @id RETURNING 1", ("id", old));

        var deadline = DateTime.UtcNow.AddSeconds(20);
        while (await _pipeline.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE id = @id", ("id", old)) > 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "the retention sweep did not delete the old session");
            await Task.Delay(250);
        }

        Assert.True(artifacts > 0);
        Assert.Equal(0L, await _pipeline.ScalarAsync<long>("SELECT count(*) FROM artifacts WHERE session_id = @id", ("id", old)));
        Assert.Equal("completed", (await _pipeline.Sessions.GetAsync(recent)).GetProperty("status").GetString());
    }

    private async Task<Guid> FinishedSessionAsync(string question)
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(question, """{"intent":"search","lipsync":true}"""));
        Assert.Equal("session.completed", (await _pipeline.Sessions.WaitForEndAsync(id))[^1].Type);
        return id;
    }
}
