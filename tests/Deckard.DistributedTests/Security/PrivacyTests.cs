using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// What people say and what they are told stays out of the logs: a session's prompt, its answer and the credentials in
/// its URLs (a ticket) appear in no line of the api's or the workers' consoles; voice consent is recorded when given.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class PrivacyTests
{
    private readonly PipelineFixture _pipeline;

    public PrivacyTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public async Task Prompts_answers_and_tickets_never_reach_the_services_logs()
    {
        var marker = $"zanzibar{Guid.NewGuid():N}"[..20];
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync(
            $"What is the history of {marker} island?", """{"intent":"search","lipsync":true}"""));
        Assert.Equal("session.completed", (await _pipeline.Sessions.WaitForEndAsync(id))[^1].Type);
        var answer = (await _pipeline.Sessions.GetAsync(id)).GetProperty("results").GetProperty("answer").GetProperty("text").GetString()!;
        using var ticketResponse = await _pipeline.Sessions.Http.PostAsync(new Uri($"/api/sessions/{id}/tickets", UriKind.Relative), null);
        using var ticket = JsonDocument.Parse(await ticketResponse.Content.ReadAsStringAsync());
        using var anonymous = _pipeline.Topology.CreateApiClient(bearer: null);
        (await anonymous.GetAsync(new Uri(ticket.RootElement.GetProperty("events").GetString()!, UriKind.Relative))).Dispose();
        // Whatever the services were going to log about this session has been written by now.
        await Task.Delay(TimeSpan.FromSeconds(1));

        var secrets = new[] { marker, answer[..Math.Min(40, answer.Length)], ticket.RootElement.GetProperty("ticket").GetString()!, _pipeline.Topology.DevelopmentApiKey };
        foreach (var service in new[] { "api", "workers" })
        {
            var lines = _pipeline.Logs.Of(service);
            Assert.NotEmpty(lines);
            foreach (var secret in secrets)
            {
                Assert.DoesNotContain(lines, line => line.Contains(secret, StringComparison.Ordinal));
            }
        }

        // The session itself is in the logs, by id.
        Assert.Contains(_pipeline.Logs.Of("api"), line => line.Contains(id.ToString(), StringComparison.Ordinal));
    }

    [Fact]
    public async Task A_voice_upload_with_consent_records_when_it_was_given()
    {
        var wav = await TestAudio.SpeechWavAsync("What is the capital of Peru?");
        using var content = new MultipartFormDataContent
        {
            { new ByteArrayContent(wav), "audio", "question.wav" },
            { new StringContent("true"), "consent" },
            { new StringContent("""{"intent":"search","lipsync":false}"""), "options" },
        };

        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.Http.PostAsync(new Uri("/api/sessions", UriKind.Relative), content));

        var consentedAt = await _pipeline.ScalarAsync<DateTime>("SELECT voice_consent_at FROM sessions WHERE id = @id", ("id", id));
        Assert.True(DateTime.UtcNow - consentedAt.ToUniversalTime() < TimeSpan.FromMinutes(1));
        await _pipeline.Sessions.WaitForEndAsync(id);
    }
}
