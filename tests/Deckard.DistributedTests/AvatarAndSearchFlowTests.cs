using System.Globalization;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// The avatar and search flows end to end through the real topology and the stand-ins: a portrait that becomes the
/// person's avatar, and a spoken question answered with citations, spoken, and lip-synced onto that avatar.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class AvatarAndSearchFlowTests : IAsyncLifetime
{
    private readonly PipelineFixture _pipeline;
    private readonly string _folder = Directory.CreateTempSubdirectory("deckard-flows-").FullName;

    public AvatarAndSearchFlowTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    public Task InitializeAsync() => _pipeline.OpenAI.ResetAsync();

    public Task DisposeAsync()
    {
        Directory.Delete(_folder, recursive: true);
        return Task.CompletedTask;
    }

    [Fact]
    public async Task A_spoken_portrait_request_becomes_the_avatar_and_the_next_spoken_question_is_answered_spoken_and_lip_synced_onto_it()
    {
        const string Request = "Make me a portrait in anime style.";
        var avatarSession = await SpeakAsync(Request);
        var avatarEvents = await _pipeline.Sessions.WaitForEndAsync(avatarSession);

        Assert.Equal("session.completed", avatarEvents[^1].Type);
        var session = await _pipeline.Sessions.GetAsync(avatarSession);
        Assert.Equal("avatar", session.GetProperty("intent").GetString());
        var portrait = Artifact(session, "portrait");
        Assert.Equal("image", portrait.GetProperty("kind").GetString());
        Assert.Equal("image/png", portrait.GetProperty("contentType").GetString());
        var png = await DownloadAsync(portrait, "portrait.png");
        Assert.Equal("png", (await ProbeAsync(png)).Streams.Single().Codec);
        var imageRequest = Assert.Single(await _pipeline.OpenAI.RequestsAsync("images")).GetProperty("summary");
        Assert.Contains("anime style", imageRequest.GetProperty("prompt").GetString(), StringComparison.Ordinal);
        var avatars = await AvatarsAsync();
        Assert.Equal(portrait.GetProperty("id").GetGuid(), avatars[0].GetProperty("id").GetGuid());
        Assert.True(avatars[0].GetProperty("current").GetBoolean());

        const string Question = "Who designed the Eiffel Tower?";
        var searchSession = await SpeakAsync(Question);
        var events = await _pipeline.Sessions.WaitForEndAsync(searchSession, TimeSpan.FromMinutes(2));

        Assert.Equal("session.completed", events[^1].Type);
        var answer = events.Single(e => e.Type == "answer.ready").Data;
        Assert.NotEmpty(answer.GetProperty("citations").EnumerateArray());
        var spokenText = answer.GetProperty("spokenText").GetString()!;
        Assert.DoesNotContain("http", spokenText, StringComparison.Ordinal);
        Assert.DoesNotContain("](", spokenText, StringComparison.Ordinal);
        Assert.Contains("http", answer.GetProperty("text").GetString()!, StringComparison.Ordinal);
        // What TTS was asked to read is the spoken version, not the markdown.
        var speechRequest = Assert.Single(await _pipeline.OpenAI.RequestsAsync("speech")).GetProperty("summary");
        Assert.Equal(spokenText, speechRequest.GetProperty("input").GetString());

        var searched = await _pipeline.Sessions.GetAsync(searchSession);
        Assert.Equal(["transcribe", "classify", "web_search", "speech", "lipsync"], searched.GetProperty("steps").EnumerateArray().Select(s => s.GetProperty("name").GetString()));
        Assert.Equal(spokenText, searched.GetProperty("results").GetProperty("answer").GetProperty("spokenText").GetString());
        var speech = await ProbeAsync(await DownloadAsync(Artifact(searched, "answer-speech"), "speech.mp3"));
        Assert.Equal("mp3", speech.Streams.Single().Codec);
        Assert.True(speech.Duration > 1, $"the spoken answer lasts {speech.Duration} s");
        var video = await ProbeAsync(await DownloadAsync(Artifact(searched, "lipsync-video"), "answer.mp4"));
        Assert.Equal(["aac", "h264"], video.Streams.Select(stream => stream.Codec).Order());
        // The video's audio track is the speech (padded to at least one generation window).
        Assert.InRange(video.Duration, speech.Duration - 0.1, Math.Max(speech.Duration, 3.44) + 0.5);
        var lipsync = Step(searched, "lipsync").GetProperty("output");
        Assert.Equal("current", lipsync.GetProperty("portraitSource").GetString());
        Assert.Equal(portrait.GetProperty("id").GetGuid(), lipsync.GetProperty("portraitArtifactId").GetGuid());
        Assert.True(Step(searched, "lipsync").GetProperty("gpuSeconds").GetDouble() > 0);
        Assert.True(searched.GetProperty("cost").GetProperty("total").GetDecimal() > 0);
    }

    [Fact]
    public async Task The_same_question_again_within_the_window_reuses_the_answer_without_a_second_web_search()
    {
        const string Question = "How deep is the Mariana Trench?";
        var first = await PromptAsync(Question, """{"lipsync":false}""");
        var second = await PromptAsync("  how deep is the mariana trench ", """{"lipsync":false,"intent":"search"}""");

        var webSearches = (await _pipeline.OpenAI.RequestsAsync("responses"))
            .Count(request => request.GetProperty("summary").GetProperty("tools").EnumerateArray().Any(tool => tool.GetString() == "web_search"));
        Assert.Equal(1, webSearches);
        var reuse = Step(await _pipeline.Sessions.GetAsync(second), "web_search").GetProperty("output");
        Assert.True(reuse.GetProperty("reused").GetBoolean());
        Assert.Equal(first, reuse.GetProperty("reusedFromSession").GetGuid());
        Assert.Equal(2, (await _pipeline.OpenAI.RequestsAsync("speech")).Count);
    }

    [Fact]
    public async Task An_image_refused_by_moderation_fails_the_session_with_a_readable_reason()
    {
        await _pipeline.OpenAI.ScriptAsync("images", new
        {
            fail = new { status = 400, type = "image_generation_user_error", code = "moderation_blocked", message = "Your request was rejected by the safety system." },
        });

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Paint a portrait of me", """{"intent":"avatar"}"""));
        var events = await _pipeline.Sessions.WaitForEndAsync(id);

        Assert.Equal("session.failed", events[^1].Type);
        var reason = events[^1].Data.GetProperty("reason").GetString()!;
        Assert.Contains("rejected by the safety system", reason, StringComparison.Ordinal);
        Assert.Contains("describe the portrait differently", reason, StringComparison.Ordinal);
        Assert.Single(await _pipeline.OpenAI.RequestsAsync("images"));
    }

    [Fact]
    public async Task An_answer_without_citations_is_still_spoken()
    {
        await _pipeline.OpenAI.ScriptAsync("responses", new { text = "Comets are icy bodies that release gas near the Sun." });

        var id = await PromptAsync("Tell me about comets", """{"intent":"search","lipsync":false}""");

        var session = await _pipeline.Sessions.GetAsync(id);
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.Empty(session.GetProperty("results").GetProperty("answer").GetProperty("citations").EnumerateArray());
        Assert.Equal("Comets are icy bodies that release gas near the Sun.",
            Assert.Single(await _pipeline.OpenAI.RequestsAsync("speech")).GetProperty("summary").GetProperty("input").GetString());
        Assert.Equal("audio", Artifact(session, "answer-speech").GetProperty("kind").GetString());
    }

    [Fact]
    public async Task An_answer_with_nothing_to_speak_is_never_sent_to_text_to_speech()
    {
        await _pipeline.OpenAI.ScriptAsync("responses", new { text = "https://example.com/only-a-link" });

        var id = await PromptAsync("Give me the link", """{"intent":"search"}""");

        var session = await _pipeline.Sessions.GetAsync(id);
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.Empty(await _pipeline.OpenAI.RequestsAsync("speech"));
        Assert.Equal("The answer has nothing to speak.", Step(session, "speech").GetProperty("output").GetProperty("skipped").GetString());
        Assert.DoesNotContain(session.GetProperty("steps").EnumerateArray(), step => step.GetProperty("name").GetString() == "lipsync");
    }

    [Fact]
    public async Task A_rate_limited_text_to_speech_call_is_retried_and_the_session_completes()
    {
        await _pipeline.OpenAI.ScriptAsync("speech", new { fail = new { status = 429, retry_after_seconds = 1 } });

        var id = await PromptAsync("What is the speed of light in a vacuum?", """{"intent":"search","lipsync":false}""");

        var session = await _pipeline.Sessions.GetAsync(id);
        Assert.Equal("completed", session.GetProperty("status").GetString());
        Assert.Equal(2, Step(session, "speech").GetProperty("attempts").GetInt32());
        Assert.Equal(2, (await _pipeline.OpenAI.RequestsAsync("speech")).Count);
        var retry = (await _pipeline.Sessions.EventsAsJsonAsync(id)).Single(e => e.Type == "step.retrying").Data;
        Assert.True(retry.GetProperty("retryInMs").GetInt64() >= 1000);
    }

    [Fact]
    public async Task Style_voice_and_avatar_options_are_checked_before_anything_is_stored()
    {
        foreach (var (options, code) in new[]
                 {
                     ("""{"style":"finger painting"}""", "unknown-style"),
                     ("""{"voice":"darth"}""", "unknown-voice"),
                     ($$"""{"avatarId":"{{Guid.NewGuid()}}"}""", "unknown-avatar"),
                 })
        {
            using var response = await _pipeline.Sessions.CreateWithPromptAsync("Paint me", options);
            Assert.Equal(System.Net.HttpStatusCode.BadRequest, response.StatusCode);
            using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
            Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        }
    }

    private async Task<Guid> SpeakAsync(string text)
    {
        await _pipeline.OpenAI.ScriptAsync("transcriptions", new { transcript = text });
        return await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithAudioAsync(await TestAudio.SpeechWavAsync(text), "voice.wav"));
    }

    /// <summary>A typed prompt, followed to its end.</summary>
    private async Task<Guid> PromptAsync(string prompt, string options)
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(prompt, options));
        var events = await _pipeline.Sessions.WaitForEndAsync(id, TimeSpan.FromMinutes(2));
        Assert.Contains(events[^1].Type, new[] { "session.completed", "session.failed" });
        return id;
    }

    private async Task<List<JsonElement>> AvatarsAsync()
    {
        using var document = JsonDocument.Parse(await _pipeline.Sessions.Http.GetStringAsync(new Uri("/api/avatars", UriKind.Relative)));
        return [.. document.RootElement.GetProperty("items").EnumerateArray().Select(item => item.Clone())];
    }

    private static JsonElement Artifact(JsonElement session, string role) =>
        session.GetProperty("artifacts").EnumerateArray().Single(artifact => artifact.GetProperty("role").GetString() == role);

    private static JsonElement Step(JsonElement session, string name) =>
        session.GetProperty("steps").EnumerateArray().Single(step => step.GetProperty("name").GetString() == name);

    private async Task<string> DownloadAsync(JsonElement artifact, string fileName)
    {
        var path = Path.Combine(_folder, fileName);
        await File.WriteAllBytesAsync(path, await _pipeline.Sessions.Http.GetByteArrayAsync(new Uri(artifact.GetProperty("url").GetString()!, UriKind.Relative)));
        return path;
    }

    private static async Task<(List<(string Codec, string Type)> Streams, double Duration)> ProbeAsync(string path)
    {
        var output = await ExternalTool.RunAsync("ffprobe", "-v", "error", "-show_entries", "stream=codec_name,codec_type:format=duration", "-of", "json", path);
        using var document = JsonDocument.Parse(output);
        var streams = document.RootElement.GetProperty("streams").EnumerateArray()
            .Select(stream => (stream.GetProperty("codec_name").GetString()!, stream.GetProperty("codec_type").GetString()!)).ToList();
        var duration = document.RootElement.GetProperty("format").TryGetProperty("duration", out var value)
            ? double.Parse(value.GetString()!, CultureInfo.InvariantCulture)
            : 0;
        return (streams, duration);
    }
}
