using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

[Collection(PipelineCollection.Name)]
public sealed class LoadTests
{
    private readonly PipelineFixture _pipeline;

    public LoadTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public async Task Two_hundred_sessions_submitted_at_once_all_complete_none_lost_or_duplicated()
    {
        await _pipeline.OpenAI.ResetAsync();
        var prompts = Enumerable.Range(0, 200).Select(index => $"Question number {index}: how far away is the moon?").ToList();

        // The whole search flow (answer, then speech) without the render, which the lip-sync tests cover.
        var responses = await Task.WhenAll(prompts.Select(prompt => _pipeline.Sessions.CreateWithPromptAsync(prompt, """{"lipsync":false}""")));
        var ids = await Task.WhenAll(responses.Select(_pipeline.Sessions.CreatedIdAsync));

        Assert.Equal(200, ids.Distinct().Count());
        using var deadline = new CancellationTokenSource(TimeSpan.FromMinutes(3));
        while (await _pipeline.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE id = ANY(@ids) AND status = 'completed'", ("ids", ids)) < 200)
        {
            await Task.Delay(250, deadline.Token);
        }

        Assert.Equal(200L, await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM events WHERE session_id = ANY(@ids) AND type = 'intent.classified'", ("ids", ids)));
        Assert.Equal(200L, await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM events WHERE session_id = ANY(@ids) AND type = 'session.completed'", ("ids", ids)));
        Assert.Equal(200L, await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM steps WHERE session_id = ANY(@ids) AND name = 'classify' AND attempts = 1", ("ids", ids)));
        Assert.Equal(200L, await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM artifacts WHERE session_id = ANY(@ids) AND role = 'answer-speech'", ("ids", ids)));
    }
}
