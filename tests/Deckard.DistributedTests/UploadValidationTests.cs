using System.Net;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>Every bad upload is refused with problem+json a front-end developer can act on, and leaves nothing behind.</summary>
[Collection(PipelineCollection.Name)]
public sealed class UploadValidationTests
{
    private readonly PipelineFixture _pipeline;

    public UploadValidationTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public Task A_request_with_neither_audio_nor_prompt_is_rejected_and_nothing_is_stored() =>
        AssertRejectedAsync(() => Post(new MultipartFormDataContent { { new StringContent("{}"), "options" } }), 400, "no-input");

    [Fact]
    public Task An_empty_audio_file_is_rejected_and_nothing_is_stored() =>
        AssertRejectedAsync(() => _pipeline.Sessions.CreateWithAudioAsync([], "empty.wav"), 400, "audio-empty");

    [Fact]
    public Task A_text_file_named_wav_is_rejected_and_nothing_is_stored() =>
        AssertRejectedAsync(
            () => _pipeline.Sessions.CreateWithAudioAsync(Encoding.UTF8.GetBytes("this is not audio, only text\n"), "voice.wav", contentType: "audio/wav"),
            415, "audio-unsupported");

    [Fact]
    public async Task A_truncated_wav_is_rejected_and_nothing_is_stored()
    {
        var wav = await TestAudio.SpeechWavAsync("This recording will be cut off in the middle");
        await AssertRejectedAsync(() => _pipeline.Sessions.CreateWithAudioAsync(wav[..(wav.Length / 3)], "cut.wav"), 400, "audio-unreadable");
    }

    [Fact]
    public async Task A_file_over_the_size_limit_is_rejected_while_streaming_and_nothing_is_stored()
    {
        var wav = await TestAudio.SpeechWavAsync("Big");
        var oversized = new byte[26 * 1024 * 1024];
        wav.CopyTo(oversized, 0);

        await AssertRejectedAsync(() => _pipeline.Sessions.CreateWithAudioAsync(oversized, "big.wav"), 413, "audio-too-large");
    }

    [Fact]
    public async Task An_unknown_form_part_over_its_limit_is_rejected_and_nothing_is_stored()
    {
        var content = new MultipartFormDataContent
        {
            { new StringContent("Paint me as a knight."), "prompt" },
            { new ByteArrayContent(new byte[1024 * 1024]), "attachment", "notes.bin" },
        };

        var problem = await AssertRejectedAsync(() => Post(content), 413, "part-too-large");

        Assert.Contains("'attachment'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task A_body_over_the_whole_request_limit_is_rejected_declared_or_streamed_and_nothing_is_stored(bool chunked)
    {
        // Each part alone is small enough to be skipped; together they pass the 41 MB request limit. With a declared
        // Content-Length the Api refuses before reading; sent chunked, it refuses once it has read past the limit.
        var content = new MultipartFormDataContent { { new StringContent("Paint me as a knight."), "prompt" } };
        var part = new byte[60 * 1024];
        for (var index = 0; index < 42 * 1024 / 60 + 20; index++)
        {
            content.Add(new ByteArrayContent(part), $"extra{index}", $"extra{index}.bin");
        }

        await AssertRejectedAsync(async () =>
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/api/sessions", UriKind.Relative)) { Content = content };
            request.Headers.TransferEncodingChunked = chunked;
            return await _pipeline.Sessions.Http.SendAsync(request);
        }, 413, "request-too-large");
    }

    [Fact]
    public async Task Audio_longer_than_the_limit_is_rejected_and_nothing_is_stored()
    {
        var longWav = await TestAudio.LongWavAsync("This one goes on for a while", seconds: 25);

        var problem = await AssertRejectedAsync(() => _pipeline.Sessions.CreateWithAudioAsync(longWav, "long.wav"), 400, "audio-too-long");
        Assert.Contains("limit is 20 s", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public Task Malformed_options_json_is_rejected_and_nothing_is_stored() =>
        AssertRejectedAsync(() => _pipeline.Sessions.CreateWithPromptAsync("Hello?", options: "{\"intent\": search"), 400, "options-invalid-json");

    [Fact]
    public async Task An_unknown_intent_in_the_options_is_rejected_naming_the_valid_ones()
    {
        var problem = await AssertRejectedAsync(() => _pipeline.Sessions.CreateWithPromptAsync("Hello?", options: """{"intent":"dance"}"""), 400, "unknown-intent");
        Assert.Contains("'avatar', 'conversation', 'search'", problem.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public Task A_100_kb_prompt_is_rejected_and_nothing_is_stored() =>
        AssertRejectedAsync(() => _pipeline.Sessions.CreateWithPromptAsync(new string('a', 100 * 1024)), 400, "prompt-too-long");

    [Fact]
    public Task A_multipart_body_without_a_boundary_is_rejected_and_nothing_is_stored() =>
        AssertRejectedAsync(() =>
        {
            var content = new ByteArrayContent(Encoding.UTF8.GetBytes("--x\r\nContent-Disposition: form-data; name=\"prompt\"\r\n\r\nhi\r\n--x--\r\n"));
            content.Headers.ContentType = new MediaTypeHeaderValue("multipart/form-data");
            return Post(content);
        }, 400, "no-boundary");

    [Fact]
    public async Task An_unknown_session_id_is_answered_404_with_problem_json()
    {
        var unknown = Guid.NewGuid();
        foreach (var path in new[] { $"/api/sessions/{unknown}", $"/api/sessions/{unknown}/events" })
        {
            using var response = await _pipeline.Sessions.Http.GetAsync(new Uri(path, UriKind.Relative));
            Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        }
    }

    [Fact]
    public async Task Cancelling_a_finished_session_is_a_conflict()
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Why is the sky blue?"));
        await _pipeline.Sessions.WaitForEndAsync(id);

        using var response = await _pipeline.Sessions.Http.PostAsync(new Uri($"/api/sessions/{id}/cancel", UriKind.Relative), null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    private Task<HttpResponseMessage> Post(HttpContent content) =>
        _pipeline.Sessions.Http.PostAsync(new Uri("/api/sessions", UriKind.Relative), content);

    private async Task<JsonElement> AssertRejectedAsync(Func<Task<HttpResponseMessage>> send, int status, string code)
    {
        var before = await _pipeline.CountStoredAsync();

        using var response = await send();

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.Equal(code, problem.RootElement.GetProperty("code").GetString());
        Assert.False(string.IsNullOrWhiteSpace(problem.RootElement.GetProperty("detail").GetString()));
        Assert.Equal(before, await _pipeline.CountStoredAsync());
        Assert.Empty(Directory.EnumerateFiles(Path.GetTempPath(), "deckard-upload-*"));
        return problem.RootElement.Clone();
    }
}
