using System.Net.Http.Headers;
using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>
/// The stand-in answers field for field as OpenAI does: each test sends the request of a real recorded session
/// (Fidelity/Recordings, see SOURCE.md there) and compares the stand-in's answer with the recorded one by shape, key by
/// key and JSON kind by kind (<see cref="JsonShape"/>), and streams event by event (<see cref="EventStreamShape"/>).
/// Values (ids, text, timestamps, token counts) may differ. Where the recorded model decided something the default
/// rules decide otherwise (which function to call, how many sources to cite), the test scripts that decision, so that
/// the shapes compared are of the same kind of answer.
/// </summary>
public sealed class SessionRecordShapeTests(OpenAIMockServer server) : StandInTest(server)
{
    private const string Responses = "/v1/responses";

    /// <summary>
    /// Excused in sessions recorded before April 2026: the service then sent <c>prompt_cache_retention: null</c> when the
    /// request did not set it; since then it reports its default, <c>"in_memory"</c> (TokenLogProbabilitiesStreaming,
    /// recorded 2026-04-29), which is what the stand-in follows.
    /// </summary>
    private const string RecordedBeforeRetentionDefault = "..prompt_cache_retention";

    [Fact]
    public async Task A_gpt_5_answer_in_text_has_the_recorded_shape()
    {
        var recorded = Recorded("Responses/SingleResponseInstructionAsync.json", Responses);

        var answer = await SendAsync(recorded);

        AssertSameShape(recorded, answer, RecordedBeforeRetentionDefault);
    }

    [Fact]
    public async Task A_text_answer_carries_every_field_of_the_newest_recorded_response()
    {
        // gpt-5.5, recorded in 2026: billing, completed_at, moderation, reasoning.context, tool_usage, phase...
        var recorded = Recorded("Responses/ResponsesWithPromptCacheAsync.json", Responses);

        var answer = await SendAsync(recorded);

        AssertSameShape(recorded, answer);
    }

    [Fact]
    public async Task A_function_call_and_the_answer_to_its_output_have_the_recorded_shapes()
    {
        var (call, followUp) = Pair(SessionRecord.Load("Responses/FunctionCallWorksAsync.json", "POST", Responses));
        // The recorded model chose get_weather_at_location for a weather question; the default rules call only tools they recognise.
        await Admin.QueueAsync("responses", new { function_call = new { name = "get_weather_at_location", arguments = new { location = "San Francisco, CA" } } });

        var first = await SendAsync(call);
        AssertSameShape(call, first);

        // The follow-up answers the stand-in's call, in the stand-in's conversation.
        var firstAnswer = JsonNode.Parse(first.Body)!;
        var followUpBody = followUp.RequestBody!.DeepClone();
        followUpBody["previous_response_id"] = (string?)firstAnswer["id"];
        followUpBody["input"]![0]!["call_id"] = (string?)firstAnswer["output"]![0]!["call_id"];
        var second = await SendAsync(followUp, followUpBody);
        AssertSameShape(followUp, second);
    }

    [Fact]
    public async Task A_function_forced_by_tool_choice_is_called_in_the_recorded_shape()
    {
        var recorded = Recorded("Responses/FunctionToolChoiceWorksAsync.json", Responses);

        var answer = await SendAsync(recorded);

        AssertSameShape(recorded, answer);
    }

    [Fact]
    public async Task A_web_search_answer_with_its_sources_has_the_recorded_shape()
    {
        var recorded = Recorded("Responses/WebSearchCallAsync.json", Responses);

        var answer = await SendAsync(recorded);

        // Excused: the recorded search also consulted OpenAI's weather API ({"type":"api","name":"oai-weather"}), because
        // the question was about the weather; the stand-in consults no APIs, its sources are all web pages.
        AssertSameShape(recorded, answer, "$.output[web_search_call].action.sources[api]", RecordedBeforeRetentionDefault);
    }

    [Fact]
    public async Task A_streamed_text_answer_sends_the_recorded_events_in_the_recorded_order()
    {
        var recorded = Recorded("Responses/TokenLogProbabilitiesStreaming(False)Async.json", Responses);

        var answer = await SendAsync(recorded);

        AssertSameStream(recorded, answer);
    }

    [Fact]
    public async Task A_streamed_function_call_sends_its_arguments_as_the_recorded_events()
    {
        var recorded = Recorded("Responses/FunctionCallStreamingWorksAsync.json", Responses);
        await Admin.QueueAsync("responses", new { function_call = new { name = "get_weather_at_location", arguments = new { location = "San Francisco, CA" } } });

        var answer = await SendAsync(recorded);

        AssertSameStream(recorded, answer, RecordedBeforeRetentionDefault);
    }

    [Fact]
    public async Task A_streamed_web_search_answer_sends_the_recorded_events_in_the_recorded_order()
    {
        var recorded = Recorded("Responses/WebSearchCallStreamingAsync.json", Responses);
        // The recorded answer cites one source in its middle, so the citation's event comes between text deltas.
        var citation = ServerSentEvents.Parse(recorded.StreamedBody()).Events
            .Single(data => ServerSentEvents.TypeOf(data) == "response.output_text.annotation.added")["annotation"]!;
        await Admin.QueueAsync("responses", new
        {
            text = "It is partly sunny and 60°F in Redmond right now. March there is usually cool and damp. Check a local forecast before you go out.",
            citations = new[] { new { url = (string?)citation["url"], title = (string?)citation["title"] } },
        });

        var answer = await SendAsync(recorded);

        AssertSameStream(recorded, answer, RecordedBeforeRetentionDefault);
    }

    [Theory]
    [InlineData("Images/BasicGenerationWorksAsync.json")]
    [InlineData("Images/GenerationWithOptionsWorksAsync.json")]
    public async Task An_image_generation_has_the_recorded_shape_with_its_usage_details(string recording)
    {
        var recorded = Recorded(recording, "/v1/images/generations");

        var answer = await SendAsync(recorded);

        AssertSameShape(recorded, answer);
    }

    [Fact]
    public async Task A_wrong_key_is_refused_with_the_recorded_401()
    {
        var recorded = Recorded("Images/GenerateImageCanParseServiceErrorAsync.json", "/v1/images/generations");

        var answer = await SendAsync(recorded, apiKey: "fake_key");

        AssertSameShape(recorded, answer);
        Assert.Equal((string?)recorded.ResponseBody!["error"]!["message"], (string?)JsonNode.Parse(answer.Body)!["error"]!["message"]);
        Assert.Equal(recorded.Header("WWW-Authenticate"), answer.Headers.WwwAuthenticate.ToString());
    }

    [Theory]
    [InlineData("Speech/BasicTextToSpeechWorksAsync.json")]
    [InlineData("Speech/OutputFormatWorks(null)Async.json")]
    [InlineData("Speech/OutputFormatWorks(mp3)Async.json")]
    [InlineData("Speech/OutputFormatWorks(opus)Async.json")]
    [InlineData("Speech/OutputFormatWorks(aac)Async.json")]
    [InlineData("Speech/OutputFormatWorks(flac)Async.json")]
    [InlineData("Speech/OutputFormatWorks(wav)Async.json")]
    [InlineData("Speech/OutputFormatWorks(pcm)Async.json")]
    public async Task Speech_comes_with_the_recorded_status_content_type_and_chunking(string recording)
    {
        var recorded = Recorded(recording, "/v1/audio/speech");

        var answer = await SendAsync(recorded);

        Assert.Equal(recorded.Status, answer.Status);
        Assert.Equal(recorded.Header("Content-Type"), answer.ContentType);
        Assert.Equal(recorded.Header("Transfer-Encoding") == "chunked", answer.Chunked);
        Assert.NotEmpty(answer.Bytes);
    }

    [Fact]
    public async Task Streamed_speech_sends_the_recorded_events_then_DONE()
    {
        var recorded = Recorded("Speech/StreamingSpeechWorksAsync.json", "/v1/audio/speech");

        var answer = await SendAsync(recorded);

        AssertSameStream(recorded, answer);
        // Speech streams end their events with CRLF, unlike Responses streams.
        Assert.Equal(recorded.StreamedBody().Contains("\r\n\r\n", StringComparison.Ordinal), answer.Body.Contains("\r\n\r\n", StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_transcription_of_the_recorded_file_has_the_recorded_shape()
    {
        var recorded = Recorded("Transcription/TranscriptionUsageWorks(gpt-4o-mini-transcribe)Async.json", "/v1/audio/transcriptions");
        var (fileName, audio, model) = RecordedUpload(recorded);
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(audio), "file", fileName },
            { new StringContent(model), "model" },
        };

        using var http = Server.Http();
        using var response = await http.PostAsync("v1/audio/transcriptions", form);
        var answer = await StandInAnswer.ReadAsync(response);

        AssertSameShape(recorded, answer);
    }

    private static RecordedExchange Recorded(string recording, string path) => Assert.Single(SessionRecord.Load(recording, "POST", path));

    private static (RecordedExchange First, RecordedExchange Second) Pair(IReadOnlyList<RecordedExchange> exchanges)
    {
        Assert.Equal(2, exchanges.Count);
        return (exchanges[0], exchanges[1]);
    }

    private async Task<StandInAnswer> SendAsync(RecordedExchange recorded, JsonNode? body = null, string apiKey = OpenAIMockServer.ApiKey)
    {
        using var http = Server.Http(apiKey);
        using var content = new StringContent((body ?? recorded.RequestBody)!.ToJsonString(), Encoding.UTF8, "application/json");
        using var response = await http.PostAsync(recorded.Path.TrimStart('/'), content);
        return await StandInAnswer.ReadAsync(response);
    }

    private static void AssertSameShape(RecordedExchange recorded, StandInAnswer answer, params string[] excused)
    {
        Assert.Equal(recorded.Status, answer.Status);
        Assert.Equal(MediaType(recorded.Header("Content-Type")), MediaType(answer.ContentType));
        var differences = JsonShape.Differences(recorded.ResponseBody, JsonNode.Parse(answer.Body), excused.ToHashSet());
        Assert.True(differences.Count == 0, "The stand-in's answer differs from the recording:\n" + string.Join("\n", differences));
    }

    private static void AssertSameStream(RecordedExchange recorded, StandInAnswer answer, params string[] excused)
    {
        Assert.Equal(recorded.Status, answer.Status);
        Assert.Equal(recorded.Header("Content-Type"), answer.ContentType);
        var differences = EventStreamShape.Differences(
            ServerSentEvents.Parse(recorded.StreamedBody()), ServerSentEvents.Parse(answer.Body), excused.ToHashSet());
        Assert.True(differences.Count == 0, "The stand-in's stream differs from the recording:\n" + string.Join("\n", differences));
    }

    private static string? MediaType(string? contentType) => contentType is null ? null : MediaTypeHeaderValue.Parse(contentType).MediaType;

    /// <summary>The file and model of a recorded multipart upload; the recorder keeps the file's bytes as <c>b64:</c> + base64.</summary>
    private static (string FileName, byte[] Audio, string Model) RecordedUpload(RecordedExchange recorded)
    {
        var lines = ((JsonArray)recorded.RequestBody!).Select(line => (string?)line ?? "").ToList();
        var disposition = lines.Single(line => line.Contains("name=file;", StringComparison.Ordinal));
        var fileName = Path.GetFileName(disposition.Split("filename=\"")[1].Split('"')[0]);
        var audio = Convert.FromBase64String(lines.Single(line => line.StartsWith("b64:", StringComparison.Ordinal))["b64:".Length..]);
        var model = lines[lines.FindIndex(line => line.Contains("name=model", StringComparison.Ordinal)) + 2];
        return (fileName, audio, model);
    }
}
