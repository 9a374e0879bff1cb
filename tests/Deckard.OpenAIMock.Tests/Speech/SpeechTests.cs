using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Audio;

namespace Deckard.OpenAIMock.Tests.Speech;

public sealed class SpeechTests(OpenAIMockServer server) : StandInTest(server)
{
    /// <summary>The length a text "implies": 150 words per minute, the stand-in's configured rate and a typical TTS pace.</summary>
    private const double WordsPerMinute = 150;

    private const string Sentence =
        "The lighthouse keeper climbed the winding stairs every evening to light the great lamp for the ships at sea";

    private AudioClient Voice => Server.Client().GetAudioClient("gpt-4o-mini-tts");

    public static TheoryData<string, string?, string> Formats => new()
    {
        { "mp3", null, "mp3" },
        { "opus", null, "opus" },
        { "aac", null, "aac" },
        { "flac", null, "flac" },
        { "wav", null, "pcm_s16le" },
        { "pcm", "s16le", "pcm_s16le" },
    };

    [Theory]
    [MemberData(nameof(Formats))]
    public async Task Speech_in_each_format_decodes_and_lasts_as_long_as_the_text_implies(string format, string? rawFormat, string codec)
    {
        BinaryData audio = await Voice.GenerateSpeechAsync(Sentence, GeneratedSpeechVoice.Alloy,
            new SpeechGenerationOptions { ResponseFormat = new GeneratedSpeechFormat(format) });

        var probe = await MediaTools.ProbeAudioAsync(audio.ToArray(), rawFormat);

        Assert.Equal(codec, probe.Codec);
        AssertDurationNear(Implied(Sentence, speed: 1), probe.Duration);
    }

    [Fact]
    public async Task Speech_at_double_speed_is_about_half_as_long()
    {
        BinaryData audio = await Voice.GenerateSpeechAsync(Sentence, GeneratedSpeechVoice.Nova,
            new SpeechGenerationOptions { ResponseFormat = GeneratedSpeechFormat.Wav, SpeedRatio = 2f });

        var probe = await MediaTools.ProbeAudioAsync(audio.ToArray());

        AssertDurationNear(Implied(Sentence, speed: 2), probe.Duration);
    }

    [Fact]
    public async Task Speech_comes_with_the_content_type_OpenAI_uses_for_the_format()
    {
        using var http = Server.Http();

        using var mp3 = await http.PostAsync("v1/audio/speech", Json("""{"model":"gpt-4o-mini-tts","input":"Hello","voice":"coral"}"""));
        using var opus = await http.PostAsync("v1/audio/speech", Json("""{"model":"tts-1","input":"Hello","voice":"echo","response_format":"opus"}"""));

        Assert.Equal("audio/mpeg", mp3.Content.Headers.ContentType?.MediaType);
        Assert.Equal("audio/opus", opus.Content.Headers.ContentType?.MediaType);
        Assert.True(mp3.Headers.TransferEncodingChunked);
    }

    [Fact]
    public async Task Speech_without_a_voice_is_refused_with_OpenAIs_400_body()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/audio/speech", Json("""{"model":"gpt-4o-mini-tts","input":"Hello"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("Missing required parameter: 'voice'.", (string?)error["message"]);
    }

    [Fact]
    public async Task Speech_with_an_unknown_voice_fails_in_the_SDK_with_400()
    {
        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Voice.GenerateSpeechAsync("Hello", new GeneratedSpeechVoice("robot")));

        Assert.Equal(400, failure.Status);
        Assert.Contains("Invalid value: 'robot'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Speech_streamed_as_server_sent_events_carries_the_audio_then_usage_then_DONE()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/audio/speech",
            Json("""{"model":"gpt-4o-mini-tts","input":"Hello there","voice":"alloy","response_format":"pcm","stream_format":"sse"}"""));
        var events = (await response.Content.ReadAsStringAsync()).Split("\r\n\r\n", StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal("data: [DONE]", events[^1]);
        var done = JsonNode.Parse(events[^2]["data: ".Length..])!;
        Assert.Equal("speech.audio.done", (string?)done["type"]);
        Assert.True((int?)done["usage"]!["total_tokens"] > 0);
        var audio = events[..^2].SelectMany(line => Convert.FromBase64String((string)JsonNode.Parse(line["data: ".Length..])!["audio"]!)).ToArray();
        var probe = await MediaTools.ProbeAudioAsync(audio, "s16le");
        Assert.True(probe.Duration > TimeSpan.FromMilliseconds(300), $"only {probe.Duration}");
    }

    private static TimeSpan Implied(string text, double speed) =>
        TimeSpan.FromMinutes(text.Split(' ', StringSplitOptions.RemoveEmptyEntries).Length / (WordsPerMinute * speed));

    private static void AssertDurationNear(TimeSpan expected, TimeSpan actual) =>
        Assert.InRange(actual.TotalSeconds, expected.TotalSeconds * 0.7, expected.TotalSeconds * 1.3);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}
