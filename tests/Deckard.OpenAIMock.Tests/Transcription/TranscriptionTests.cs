using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Audio;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Audio;

namespace Deckard.OpenAIMock.Tests.Transcription;

public sealed class TranscriptionTests(OpenAIMockServer server) : StandInTest(server)
{
    private AudioClient Transcriber => Server.Client().GetAudioClient("gpt-4o-mini-transcribe");

    [Fact]
    public async Task Transcription_of_a_wav_upload_returns_the_scripted_text()
    {
        await Admin.QueueAsync("transcriptions", new { transcript = "Paint me as a knight in shining armour." });
        var audio = await MediaTools.SpokenAudioAsync("hello there");

        AudioTranscription transcription = await Transcriber.TranscribeAudioAsync(new MemoryStream(audio), "voice.wav");

        Assert.Equal("Paint me as a knight in shining armour.", transcription.Text);
        var entry = Assert.Single(await Admin.RequestsAsync("transcriptions"));
        Assert.Equal("gpt-4o-mini-transcribe", (string?)entry["model"]);
        Assert.True((bool)entry["scripted"]!);
        Assert.Equal(audio.Length, (int?)entry["summary"]!["file_bytes"]);
        Assert.DoesNotContain(Convert.ToBase64String(audio)[..40], entry.ToJsonString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Transcription_without_a_script_reads_the_transcript_tag_in_a_webm_upload()
    {
        var audio = await MediaTools.SpokenAudioAsync("what is a comet", taggedTranscript: "What is a comet?", format: "webm");

        AudioTranscription transcription = await Transcriber.TranscribeAudioAsync(new MemoryStream(audio), "voice.webm");

        Assert.Equal("What is a comet?", transcription.Text);
    }

    [Fact]
    public async Task Transcription_without_a_tag_gives_the_same_catalogue_sentence_for_the_same_audio()
    {
        var audio = await MediaTools.SpokenAudioAsync("good morning");

        AudioTranscription first = await Transcriber.TranscribeAudioAsync(new MemoryStream(audio), "voice.wav");
        AudioTranscription second = await Transcriber.TranscribeAudioAsync(new MemoryStream(audio), "voice.wav");

        Assert.Equal(first.Text, second.Text);
        Assert.Equal(DefaultTranscript.Catalogue[DefaultTranscript.CatalogueIndex(audio)], first.Text);
    }

    [Fact]
    public async Task Transcription_reports_token_usage_from_the_audio_length()
    {
        await Admin.QueueAsync("transcriptions", new { transcript = "A short sentence." });
        var audio = await MediaTools.SpokenAudioAsync("a short sentence spoken slowly for a while");

        AudioTranscription transcription = await Transcriber.TranscribeAudioAsync(new MemoryStream(audio), "voice.wav");

        var usage = Assert.IsType<AudioTranscriptionTokenUsage>(transcription.Usage);
        Assert.True(usage.InputTokenCount > 10, $"input tokens {usage.InputTokenCount}");
        Assert.Equal(usage.InputTokenCount + usage.OutputTokenCount, usage.TotalTokenCount);
    }

    [Fact]
    public async Task Transcription_in_text_format_comes_back_as_plain_text()
    {
        await Admin.QueueAsync("transcriptions", new { transcript = "Plain words.", times = 2 });
        var audio = await MediaTools.SpokenAudioAsync("plain words");

        AudioTranscription transcription = await Transcriber.TranscribeAudioAsync(
            new MemoryStream(audio), "voice.wav", new AudioTranscriptionOptions { ResponseFormat = AudioTranscriptionFormat.Text });
        using var http = Server.Http();
        using var response = await http.PostAsync("v1/audio/transcriptions", Form(audio, "voice.wav", ("model", "gpt-4o-mini-transcribe"), ("response_format", "text")));

        Assert.Equal("Plain words.", transcription.Text.Trim());
        Assert.Equal("text/plain", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("Plain words.\n", await response.Content.ReadAsStringAsync());
    }

    [Fact]
    public async Task Streamed_transcription_delivers_the_text_in_deltas_then_done()
    {
        await Admin.QueueAsync("transcriptions", new { transcript = "Streaming words arrive one by one." });
        var audio = await MediaTools.SpokenAudioAsync("streaming words");
        var updates = new List<StreamingAudioTranscriptionUpdate>();

        await foreach (var update in await Transcriber.TranscribeAudioStreamingAsync(new MemoryStream(audio), "voice.wav"))
        {
            updates.Add(update);
        }

        var deltas = string.Concat(updates.OfType<StreamingAudioTranscriptionTextDeltaUpdate>().Select(update => update.Delta));
        Assert.Equal("Streaming words arrive one by one.", deltas);
        Assert.Equal(deltas, Assert.IsType<StreamingAudioTranscriptionTextDoneUpdate>(updates[^1]).Text);
    }

    [Fact]
    public async Task Whisper_verbose_json_reports_the_duration_of_a_wav_upload_and_one_segment()
    {
        await Admin.QueueAsync("transcriptions", new { transcript = "Verbose words." });
        var audio = await MediaTools.SpokenAudioAsync("verbose words for whisper");
        var wavSeconds = (audio.Length - 44) / 48_000.0;

        AudioTranscription transcription = await Server.Client().GetAudioClient("whisper-1").TranscribeAudioAsync(
            new MemoryStream(audio), "voice.wav", new AudioTranscriptionOptions { ResponseFormat = AudioTranscriptionFormat.Verbose });

        Assert.Equal("Verbose words.", transcription.Text);
        Assert.InRange(transcription.Duration!.Value.TotalSeconds, wavSeconds - 0.1, wavSeconds + 0.1);
        Assert.Equal(" Verbose words.", Assert.Single(transcription.Segments).Text);
    }

    [Fact]
    public async Task Transcription_without_a_model_is_refused_with_OpenAIs_400_body()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/audio/transcriptions", Form([1, 2, 3], "voice.wav"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal("Missing required parameter: 'model'.", (string?)error["message"]);
        Assert.Equal("model", (string?)error["param"]);
        Assert.Equal("missing_required_parameter", (string?)error["code"]);
    }

    [Fact]
    public async Task Transcription_without_a_file_is_refused_with_OpenAIs_400_body()
    {
        using var http = Server.Http();
        using var form = new MultipartFormDataContent { { new StringContent("gpt-4o-mini-transcribe"), "model" } };

        using var response = await http.PostAsync("v1/audio/transcriptions", form);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("file", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["param"]);
    }

    [Fact]
    public async Task Transcription_of_an_unsupported_file_type_fails_in_the_SDK_with_400()
    {
        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Transcriber.TranscribeAudioAsync(new MemoryStream([1, 2, 3, 4]), "notes.txt"));

        Assert.Equal(400, failure.Status);
        Assert.Contains("Invalid file format", failure.Message, StringComparison.Ordinal);
    }

    private static MultipartFormDataContent Form(byte[] audio, string fileName, params (string Name, string Value)[] fields)
    {
        var form = new MultipartFormDataContent { { new ByteArrayContent(audio), "file", fileName } };
        foreach (var (name, value) in fields)
        {
            form.Add(new StringContent(value), name);
        }

        return form;
    }
}
