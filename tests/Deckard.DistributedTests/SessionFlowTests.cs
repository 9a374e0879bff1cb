using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>A voice or text prompt through the real topology: upload, transcription, intent, events over SSE.</summary>
[Collection(PipelineCollection.Name)]
public sealed class SessionFlowTests : IAsyncLifetime
{
    private const string Question = "What is the tallest mountain in the world?";
    private readonly PipelineFixture _pipeline;

    public SessionFlowTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    public Task InitializeAsync() => _pipeline.OpenAI.ResetAsync();

    public Task DisposeAsync() => Task.CompletedTask;

    [Fact]
    public async Task A_spoken_question_uploaded_as_wav_is_transcribed_and_classified_as_search()
    {
        await _pipeline.OpenAI.ScriptAsync("transcriptions", new { transcript = Question });

        var id = await _pipeline.Sessions.CreatedIdAsync(
            await _pipeline.Sessions.CreateWithAudioAsync(await TestAudio.SpeechWavAsync(Question), "question.wav"));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        AssertTranscribedAndClassified(events, Question, "search");
    }

    [Fact]
    public async Task A_spoken_question_uploaded_as_webm_opus_is_transcribed_and_classified_as_search()
    {
        await _pipeline.OpenAI.ScriptAsync("transcriptions", new { transcript = Question });

        var id = await _pipeline.Sessions.CreatedIdAsync(
            await _pipeline.Sessions.CreateWithAudioAsync(await TestAudio.SpeechWebmAsync(Question), "question.webm"));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        AssertTranscribedAndClassified(events, Question, "search");
        var transcription = Assert.Single(await _pipeline.OpenAI.RequestsAsync("transcriptions"));
        Assert.Contains("webm", transcription.GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_text_prompt_skips_transcription_and_is_classified_as_search()
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(Question));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        Assert.Equal(["session.created", "step.started", "intent.classified", "step.completed"], events.Take(4).Select(e => e.Type));
        Assert.Equal("session.completed", events[^1].Type);
        Assert.Equal("search", events.Single(e => e.Type == "intent.classified").Data.GetProperty("intent").GetString());
        Assert.Empty(await _pipeline.OpenAI.RequestsAsync("transcriptions"));
    }

    [Fact]
    public async Task A_client_that_reconnects_with_last_event_id_receives_every_later_event_exactly_once()
    {
        await _pipeline.OpenAI.ScriptAsync("transcriptions", new { transcript = Question, latency_ms = 400 });
        await _pipeline.OpenAI.ScriptAsync("responses", new { function_call = new { name = "answer_with_web_search", arguments = new { query = Question } }, latency_ms = 400 });
        var id = await _pipeline.Sessions.CreatedIdAsync(
            await _pipeline.Sessions.CreateWithAudioAsync(await TestAudio.SpeechWavAsync(Question), "question.wav"));

        var firstConnection = await _pipeline.Sessions.FollowEventsAsync(id, stopAfter: e => e.Id == 2);
        var secondConnection = await _pipeline.Sessions.FollowEventsAsync(id, lastEventId: firstConnection[^1].Id);

        Assert.Equal([1L, 2L], firstConnection.Select(e => e.Id));
        var all = await _pipeline.Sessions.EventsAsJsonAsync(id);
        Assert.Equal(all.Select(e => (e.Id, e.Type)), firstConnection.Concat(secondConnection).Select(e => (e.Id, e.Type)));
        Assert.Equal(Enumerable.Range(1, all.Count).Select(i => (long)i), all.Select(e => e.Id));
        Assert.Equal("session.completed", secondConnection[^1].Type);
    }

    [Fact]
    public async Task An_intent_given_in_the_options_skips_the_router_call()
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(
            await _pipeline.Sessions.CreateWithPromptAsync("Anything at all", options: """{"intent":"avatar","style":"watercolor"}"""));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        var classified = events.Single(e => e.Type == "intent.classified").Data;
        Assert.Equal("avatar", classified.GetProperty("intent").GetString());
        Assert.Equal("options", classified.GetProperty("source").GetString());
        Assert.Empty(await _pipeline.OpenAI.RequestsAsync("responses"));
    }

    [Fact]
    public async Task The_router_receives_the_three_flows_as_function_tools_with_a_required_choice()
    {
        await _pipeline.OpenAI.ScriptAsync("responses", new { function_call = new { name = "create_avatar", arguments = new { description = "a knight", style = "oil painting" } } });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Paint me as a knight"));
        await _pipeline.Sessions.WaitForEndAsync(id);

        var session = await _pipeline.Sessions.GetAsync(id);
        Assert.Equal("avatar", session.GetProperty("intent").GetString());
        Assert.Equal("oil painting", session.GetProperty("intentArguments").GetProperty("style").GetString());
        var request = Assert.Single(await _pipeline.OpenAI.RequestsAsync("responses")).GetRawText();
        foreach (var tool in new[] { "create_avatar", "start_conversation", "answer_with_web_search", "required" })
        {
            Assert.Contains(tool, request, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Token_usage_is_stored_per_step_for_cost_accounting()
    {
        // A question nobody asked before: an identical one within the reuse window would be answered from the cache.
        await _pipeline.OpenAI.ScriptAsync("transcriptions", new { transcript = $"{Question} Asked for the cost test {Guid.NewGuid():N}." });
        var id = await _pipeline.Sessions.CreatedIdAsync(
            await _pipeline.Sessions.CreateWithAudioAsync(await TestAudio.SpeechWavAsync(Question), "question.wav"));
        await _pipeline.Sessions.WaitForEndAsync(id);

        var steps = (await _pipeline.Sessions.GetAsync(id)).GetProperty("steps").EnumerateArray().ToList();

        Assert.Equal(["transcribe", "classify", "web_search", "speech"], steps.Take(4).Select(step => step.GetProperty("name").GetString()));
        Assert.All(steps.Take(3), step =>
        {
            Assert.Equal("completed", step.GetProperty("state").GetString());
            Assert.True(step.GetProperty("usage").GetProperty("totalTokens").GetInt32() > 0);
        });
        Assert.Equal("gpt-4o-mini-transcribe", steps[0].GetProperty("usage").GetProperty("model").GetString());
        Assert.Equal("gpt-4o-mini-tts", steps[3].GetProperty("usage").GetProperty("model").GetString());
    }

    [Fact]
    public async Task The_trace_of_the_upload_travels_in_the_stream_entry_to_the_worker()
    {
        var traceId = Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(16));
        using var content = new MultipartFormDataContent { { new StringContent(Question), "prompt" } };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/sessions", UriKind.Relative)) { Content = content };
        request.Headers.Add("traceparent", $"00-{traceId}-{Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8))}-01");

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.Http.SendAsync(request));
        await _pipeline.Sessions.WaitForEndAsync(id);

        // Every step's entry (the first from the Api, the next ones from the workers) carries the same trace.
        var entries = (await _pipeline.Redis.GetDatabase().StreamRangeAsync("deckard:steps", "-", "+"))
            .Where(e => e.Values.Any(v => v.Name == "session" && v.Value == id.ToString("N"))).ToList();
        Assert.True(entries.Count >= 2, $"{entries.Count} stream entries for the session");
        Assert.All(entries, entry => Assert.Equal(traceId, entry.Values.Single(v => v.Name == "traceparent").Value.ToString().Split('-')[1]));
    }

    [Fact]
    public async Task Sessions_are_listed_newest_first_in_pages_that_neither_overlap_nor_skip()
    {
        var created = new List<Guid>();
        for (var index = 0; index < 3; index++)
        {
            created.Add(await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync($"Tell me about rivers, part {index}?")));
        }

        foreach (var id in created)
        {
            await _pipeline.Sessions.WaitForEndAsync(id);
        }

        var first = await _pipeline.Sessions.Http.GetFromJsonAsync<JsonElement>(new Uri("/api/sessions?limit=2", UriKind.Relative));
        var cursor = first.GetProperty("nextCursor").GetString();
        var second = await _pipeline.Sessions.Http.GetFromJsonAsync<JsonElement>(new Uri($"/api/sessions?limit=2&cursor={cursor}", UriKind.Relative));

        var ids = first.GetProperty("items").EnumerateArray().Concat(second.GetProperty("items").EnumerateArray())
            .Select(item => item.GetProperty("id").GetGuid()).ToList();
        Assert.Equal(ids.Distinct().Count(), ids.Count);
        Assert.Equal(created.AsEnumerable().Reverse(), ids.Take(3));
    }

    [Fact]
    public async Task Artifacts_are_served_through_signed_links_with_range_support_and_refused_when_tampered()
    {
        await _pipeline.OpenAI.ScriptAsync("transcriptions", new { transcript = Question });
        var id = await _pipeline.Sessions.CreatedIdAsync(
            await _pipeline.Sessions.CreateWithAudioAsync(await TestAudio.SpeechWavAsync(Question), "question.wav"));
        await _pipeline.Sessions.WaitForEndAsync(id);
        var artifacts = (await _pipeline.Sessions.GetAsync(id)).GetProperty("artifacts").EnumerateArray().ToList();
        var transcript = artifacts.Single(a => a.GetProperty("kind").GetString() == "transcript");
        var audio = artifacts.Single(a => a.GetProperty("role").GetString() == "input-audio");
        var url = transcript.GetProperty("url").GetString()!;

        Assert.Equal(Question, await _pipeline.Sessions.Http.GetStringAsync(new Uri(url, UriKind.Relative)));
        using var range = new HttpRequestMessage(HttpMethod.Get, new Uri(audio.GetProperty("url").GetString()!, UriKind.Relative));
        range.Headers.Range = new RangeHeaderValue(0, 11);
        using var partial = await _pipeline.Sessions.Http.SendAsync(range);
        Assert.Equal(HttpStatusCode.PartialContent, partial.StatusCode);
        Assert.Equal("RIFF", System.Text.Encoding.ASCII.GetString(await partial.Content.ReadAsByteArrayAsync(), 0, 4));
        using var tampered = await _pipeline.Sessions.Http.GetAsync(new Uri(url[..^4] + "0000", UriKind.Relative));
        Assert.Equal(HttpStatusCode.Forbidden, tampered.StatusCode);
    }

    [Fact]
    public async Task The_openapi_document_and_the_api_reference_page_are_served()
    {
        var document = await _pipeline.Sessions.Http.GetFromJsonAsync<JsonElement>(new Uri("/openapi/v1.json", UriKind.Relative));
        var paths = document.GetProperty("paths");
        foreach (var path in new[] { "/api/sessions", "/api/sessions/{id}", "/api/sessions/{id}/events", "/api/sessions/{id}/cancel", "/api/avatars" })
        {
            Assert.True(paths.TryGetProperty(path, out _), $"{path} missing from the OpenAPI document");
        }

        using var page = await _pipeline.Sessions.Http.GetAsync(new Uri("/scalar", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
    }

    private static void AssertTranscribedAndClassified(List<ServerSentEvent> events, string transcript, string intent)
    {
        var types = events.Select(e => e.Type).ToList();
        Assert.Equal("session.created", types[0]);
        Assert.True(types.IndexOf("transcript.ready") < types.IndexOf("intent.classified"));
        Assert.Equal("session.completed", types[^1]);
        Assert.Contains("answer.ready", types);
        Assert.Equal(transcript, events.Single(e => e.Type == "transcript.ready").Data.GetProperty("transcript").GetString());
        Assert.Equal(intent, events.Single(e => e.Type == "intent.classified").Data.GetProperty("intent").GetString());
        Assert.Equal(Enumerable.Range(1, events.Count).Select(i => (long)i), events.Select(e => e.Id));
    }
}
