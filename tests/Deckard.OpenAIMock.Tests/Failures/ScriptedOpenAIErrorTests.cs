using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Audio;

namespace Deckard.OpenAIMock.Tests.Failures;

/// <summary>Errors a test scripts through the admin API come with the body and headers OpenAI sends for them.</summary>
public sealed class ScriptedOpenAIErrorTests(OpenAIMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task A_scripted_moderation_block_answers_image_generation_with_OpenAIs_400_body()
    {
        await Admin.QueueAsync("images", new { fail = new { status = 400, code = "moderation_blocked" } });
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/images/generations",
            new StringContent("""{"model":"gpt-image-1","prompt":"A portrait"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (JsonObject)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!;
        Assert.Equal(["message", "type", "param", "code"], error.Select(pair => pair.Key));
        Assert.StartsWith("Your request was rejected by the safety system. If you believe this is an error, contact us at help.openai.com",
            (string?)error["message"], StringComparison.Ordinal);
        Assert.Equal("image_generation_user_error", (string?)error["type"]);
        Assert.Null(error["param"]);
        Assert.Equal("moderation_blocked", (string?)error["code"]);
    }

    [Fact]
    public async Task A_scripted_moderation_block_reaches_the_SDK_as_a_400_naming_the_code()
    {
        await Admin.QueueAsync("images", new { fail = new { status = 400, code = "moderation_blocked" } });

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Server.Client().GetImageClient("gpt-image-1").GenerateImageAsync("A portrait"));

        Assert.Equal(400, failure.Status);
        Assert.Contains("image_generation_user_error: moderation_blocked", failure.Message, StringComparison.Ordinal);
        Assert.Contains("rejected by the safety system", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_scripted_429_on_speech_reaches_the_SDK_with_Retry_After_and_the_rate_limit_body()
    {
        await Admin.QueueAsync("speech", new { fail = new { status = 429, retry_after_seconds = 7 } });

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Server.Client().GetAudioClient("gpt-4o-mini-tts").GenerateSpeechAsync("Hello", GeneratedSpeechVoice.Alloy));

        Assert.Equal(429, failure.Status);
        Assert.True(failure.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("7", retryAfter);
        var error = JsonNode.Parse(failure.GetRawResponse()!.Content.ToString())!["error"]!;
        Assert.Equal("rate_limit_exceeded", (string?)error["code"]);
        Assert.Equal("requests", (string?)error["type"]);
        Assert.Equal("/v1/audio/speech", (string?)Assert.Single(await Admin.RequestsAsync("speech"))["path"]);
    }
}
