using System.ClientModel;
using System.ClientModel.Primitives;
using Deckard.OpenAIMock.Tests.Infrastructure;
using Deckard.OpenAIMock.Tests.Responses;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Images;
using OpenAI.Responses;

namespace Deckard.OpenAIMock.Tests.Failures;

public sealed class FailureInjectionTests(OpenAIMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task A_scripted_429_reaches_the_caller_as_ClientResultException_429_with_Retry_After()
    {
        await Admin.QueueAsync("responses", new { fail = new { status = 429, retry_after_seconds = 2 } });

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Server.Client().GetResponsesClient().CreateResponseAsync(RouterTools.RouterRequest("Hello")));

        Assert.Equal(429, failure.Status);
        Assert.Contains("rate_limit_exceeded", failure.Message, StringComparison.Ordinal);
        Assert.True(failure.GetRawResponse()!.Headers.TryGetValue("Retry-After", out var retryAfter));
        Assert.Equal("2", retryAfter);
    }

    [Fact]
    public async Task A_scripted_500_reaches_the_caller_as_ClientResultException_500()
    {
        await Admin.QueueAsync("transcriptions", new { fail = new { status = 500 } });
        var audio = await MediaTools.SpokenAudioAsync("hello");

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => Server.Client().GetAudioClient("gpt-4o-mini-transcribe").TranscribeAudioAsync(new MemoryStream(audio), "voice.wav"));

        Assert.Equal(500, failure.Status);
        Assert.Contains("server_error", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task With_the_SDKs_default_retry_policy_one_scripted_500_is_retried_and_the_call_succeeds()
    {
        await Admin.QueueAsync("images", new { fail = new { status = 500 } });
        var client = new OpenAIClient(new ApiKeyCredential(OpenAIMockServer.ApiKey), new OpenAIClientOptions { Endpoint = Server.V1 });

        GeneratedImage image = await client.GetImageClient("gpt-image-1").GenerateImageAsync("A cat",
            new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1024, Quality = GeneratedImageQuality.LowQuality });

        Assert.NotEmpty(image.ImageBytes.ToArray());
        Assert.Equal([500, 200], (await Admin.RequestsAsync("images")).Select(entry => (int?)entry["status"]));
    }

    [Fact]
    public async Task Four_scripted_503s_exhaust_the_SDKs_three_retries()
    {
        await Admin.QueueAsync("speech", new { fail = new { status = 503 }, times = 4 });
        var client = new OpenAIClient(new ApiKeyCredential(OpenAIMockServer.ApiKey), new OpenAIClientOptions { Endpoint = Server.V1 });

        var failure = await Assert.ThrowsAsync<ClientResultException>(
            () => client.GetAudioClient("gpt-4o-mini-tts").GenerateSpeechAsync("Hello", GeneratedSpeechVoice.Alloy));

        Assert.Equal(503, failure.Status);
        Assert.Equal(4, (await Admin.RequestsAsync("speech")).Count);
    }

    [Fact]
    public async Task A_scripted_401_and_a_scripted_400_reach_the_caller_with_their_status()
    {
        await Admin.QueueAsync("images", new object[]
        {
            new { fail = new { status = 401 } },
            new { fail = new { status = 400, message = "Your request was rejected by the safety system.", code = "moderation_blocked" } },
        });
        var images = Server.Client().GetImageClient("gpt-image-1");

        var unauthorised = await Assert.ThrowsAsync<ClientResultException>(() => images.GenerateImageAsync("A cat"));
        var blocked = await Assert.ThrowsAsync<ClientResultException>(() => images.GenerateImageAsync("A cat"));

        Assert.Equal(401, unauthorised.Status);
        Assert.Equal(400, blocked.Status);
        Assert.Contains("moderation_blocked", blocked.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Scripted_latency_longer_than_the_clients_network_timeout_makes_the_call_time_out()
    {
        await Admin.QueueAsync("responses", new { latency_ms = 5_000 });
        var client = new OpenAIClient(new ApiKeyCredential(OpenAIMockServer.ApiKey), new OpenAIClientOptions
        {
            Endpoint = Server.V1,
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = TimeSpan.FromMilliseconds(300),
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.GetResponsesClient().CreateResponseAsync(RouterTools.RouterRequest("Hello")));
    }

    [Fact]
    public async Task Standing_latency_set_by_the_admin_API_applies_until_reset()
    {
        await Admin.SetLatencyAsync(5_000);
        var client = new OpenAIClient(new ApiKeyCredential(OpenAIMockServer.ApiKey), new OpenAIClientOptions
        {
            Endpoint = Server.V1,
            RetryPolicy = new ClientRetryPolicy(0),
            NetworkTimeout = TimeSpan.FromMilliseconds(300),
        });

        await Assert.ThrowsAnyAsync<OperationCanceledException>(
            () => client.GetResponsesClient().CreateResponseAsync(RouterTools.RouterRequest("Hello")));
        await Admin.ResetAsync();
        ResponseResult result = await client.GetResponsesClient().CreateResponseAsync(RouterTools.RouterRequest("Hello"));

        Assert.Equal(ResponseStatus.Completed, result.Status);
    }
}
