using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// Nobody unauthenticated reaches anything: every endpoint answers 401 problem+json without a valid bearer token;
/// Deckard's own keys (made with the keys command, stored hashed, revocable), an identity provider's JWTs and
/// single-use tickets each authenticate, and nothing else does.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class AuthenticationTests
{
    private readonly PipelineFixture _pipeline;

    public AuthenticationTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Theory]
    [MemberData(nameof(EndpointTable.All), MemberType = typeof(EndpointTable))]
    public async Task Every_endpoint_answers_401_problem_json_without_a_token(string endpoint)
    {
        var session = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Who painted the Mona Lisa?", """{"intent":"search","lipsync":false}"""));
        using var anonymous = _pipeline.Topology.CreateApiClient(bearer: null);
        var before = await _pipeline.CountStoredAsync();

        using var response = await anonymous.SendAsync(EndpointTable.Requests[endpoint](session));

        await ProblemAssert.IsProblemAsync(response, 401, "unauthenticated");
        Assert.Equal("Bearer", response.Headers.WwwAuthenticate.Single().Scheme);
        Assert.Equal(before.Sessions, (await _pipeline.CountStoredAsync()).Sessions);
        await _pipeline.Sessions.WaitForEndAsync(session);
    }

    [Fact]
    public async Task A_websocket_without_a_token_is_refused_before_the_upgrade()
    {
        var session = await _pipeline.Sessions.StartConversationAsync();
        using var anonymous = _pipeline.Topology.CreateApiClient(bearer: null);

        var (status, body) = await RealtimeTestClient.TryConnectAsync(anonymous, session);

        Assert.Equal(HttpStatusCode.Unauthorized, status);
        Assert.Contains("\"unauthenticated\"", body, StringComparison.Ordinal);
        await _pipeline.Sessions.Http.PostAsync(new Uri($"/api/sessions/{session}/cancel", UriKind.Relative), null);
    }

    [Theory]
    [InlineData("dk_abcdefgh_not-a-real-key-at-all-000000000000000000000", "invalid-api-key")]
    [InlineData("deckard-dev-key", "invalid-api-key")]
    [InlineData("eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiJtYWxsb3J5In0.c2lnbmF0dXJl", "invalid-token")]
    public async Task A_forged_key_or_token_is_refused(string bearer, string code)
    {
        using var forged = _pipeline.Topology.CreateApiClient(bearer);

        using var response = await forged.GetAsync(new Uri("/api/sessions", UriKind.Relative));

        await ProblemAssert.IsProblemAsync(response, 401, code);
    }

    [Fact]
    public async Task The_keys_command_creates_a_key_shown_once_and_stored_hashed_lists_it_and_revokes_it()
    {
        var principal = $"cli-{Guid.NewGuid():N}"[..20];

        var created = await KeysCommandAsync("create", principal, "--name", "laptop");

        Assert.Equal(0, created.ExitCode);
        var key = created.Output.Split('\n', StringSplitOptions.TrimEntries).Single(line => line.StartsWith("dk_", StringComparison.Ordinal));
        var keyId = Guid.Parse(created.Output.Split(' ')[2]);
        Assert.Equal(1L, await _pipeline.ScalarAsync<long>("SELECT count(*) FROM api_keys WHERE key_hash = @hash AND principal = @principal",
            ("hash", SHA256.HashData(Encoding.UTF8.GetBytes(key))), ("principal", principal)));
        Assert.Equal(0L, await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM api_keys WHERE position(@key in (id::text || principal || name || prefix || encode(key_hash, 'escape'))) > 0", ("key", key)));

        using var client = _pipeline.Topology.CreateApiClient(key);
        using (var page = await client.GetAsync(new Uri("/api/sessions", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        }

        var listed = await KeysCommandAsync("list", principal);
        Assert.Equal(0, listed.ExitCode);
        Assert.Contains(keyId.ToString(), listed.Output, StringComparison.Ordinal);
        Assert.Contains("laptop", listed.Output, StringComparison.Ordinal);
        Assert.DoesNotContain(key, listed.Output, StringComparison.Ordinal);

        var revoked = await KeysCommandAsync("revoke", keyId.ToString());
        Assert.Equal(0, revoked.ExitCode);
        // The Api remembers a checked key for Auth:KeyCacheDuration (1 s here).
        await Task.Delay(TimeSpan.FromSeconds(1.5));
        using var refused = await client.GetAsync(new Uri("/api/sessions", UriKind.Relative));
        await ProblemAssert.IsProblemAsync(refused, 401, "invalid-api-key");
        Assert.Equal(1, (await KeysCommandAsync("revoke", keyId.ToString())).ExitCode);
    }

    [Fact]
    public async Task An_identity_providers_jwt_authenticates_its_subject_who_owns_what_they_create()
    {
        var subject = Guid.NewGuid().ToString();
        using var client = _pipeline.Topology.CreateApiClient(TestJwt.Create(subject));

        var id = await new SessionsClient(client).CreatedIdAsync(await new SessionsClient(client).CreateWithPromptAsync("What is a quasar?", """{"intent":"search","lipsync":false}"""));

        Assert.Equal(subject, await _pipeline.ScalarAsync<string>("SELECT owner FROM sessions WHERE id = @id", ("id", id)));
        using var mine = await client.GetAsync(new Uri($"/api/sessions/{id}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, mine.StatusCode);
        await new SessionsClient(client).WaitForEndAsync(id);
    }

    public static TheoryData<string, string> BadTokens => new()
    {
        { "expired", TestJwt.Create("someone", expires: DateTimeOffset.UtcNow.AddMinutes(-5)) },
        { "signed with another key", TestJwt.Create("someone", key: "another-secret-that-is-long-enough-to-sign") },
        { "for another audience", TestJwt.Create("someone", audience: "service_role") },
        { "from another issuer", TestJwt.Create("someone", issuer: "https://evil.example/auth/v1") },
        { "unsigned (alg none)", TestJwt.Create("someone", algorithm: "none") },
        { "a subject Deckard cannot store", TestJwt.Create("../../etc/passwd") },
    };

    [Theory]
    [MemberData(nameof(BadTokens))]
    public async Task A_jwt_that_is_not_valid_is_refused(string why, string token)
    {
        using var client = _pipeline.Topology.CreateApiClient(token);

        using var response = await client.GetAsync(new Uri("/api/sessions", UriKind.Relative));

        var problem = await ProblemAssert.IsProblemAsync(response, 401, "invalid-token");
        Assert.False(string.IsNullOrEmpty(problem.GetProperty("detail").GetString()), why);
    }

    [Fact]
    public async Task A_ticket_opens_its_sessions_event_stream_once_and_nothing_else()
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("How far is the moon?", """{"intent":"search","lipsync":false}"""));
        await _pipeline.Sessions.WaitForEndAsync(id);
        using var browser = _pipeline.Topology.CreateApiClient(bearer: null);

        var events = await TicketUrlAsync(id, "events");
        using (var stream = await browser.GetAsync(new Uri(events, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
            Assert.Contains("event: session.completed", await stream.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        }

        using (var replayed = await browser.GetAsync(new Uri(events, UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(replayed, 401, "invalid-ticket");
        }

        var other = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("How far is the sun?", """{"intent":"search","lipsync":false}"""));
        var ticket = (await TicketUrlAsync(id, "events")).Split("ticket=")[1];
        using (var elsewhere = await browser.GetAsync(new Uri($"/api/sessions/{other}/events?ticket={ticket}", UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(elsewhere, 401, "invalid-ticket");
        }

        var unused = (await TicketUrlAsync(id, "events")).Split("ticket=")[1];
        using (var notHere = await browser.GetAsync(new Uri($"/api/sessions/{id}?ticket={unused}", UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(notHere, 401, "ticket-not-accepted-here");
        }

        await _pipeline.Sessions.WaitForEndAsync(other);
    }

    [Fact]
    public async Task A_browser_opens_the_realtime_socket_with_a_ticket_and_cannot_reuse_it()
    {
        var id = await _pipeline.Sessions.StartConversationAsync();
        var uri = await RealtimeTestClient.TicketUriAsync(_pipeline.Sessions.Http, id);

        using (var socket = new ClientWebSocket())
        {
            await socket.ConnectAsync(uri, CancellationToken.None);
            Assert.Equal(WebSocketState.Open, socket.State);
            await socket.CloseAsync(WebSocketCloseStatus.NormalClosure, "bye", CancellationToken.None);
        }

        using var again = new ClientWebSocket();
        again.Options.CollectHttpResponseDetails = true;
        await Assert.ThrowsAsync<WebSocketException>(() => again.ConnectAsync(uri, CancellationToken.None));
        Assert.Equal(HttpStatusCode.Unauthorized, again.HttpStatusCode);
    }

    [Fact]
    public async Task Health_answers_anyone_with_the_status_and_only_an_authenticated_caller_with_each_check()
    {
        using var anonymous = _pipeline.Topology.CreateApiClient(bearer: null);

        using var open = JsonDocument.Parse(await anonymous.GetStringAsync(new Uri("/health", UriKind.Relative)));
        using var detailed = JsonDocument.Parse(await _pipeline.Sessions.Http.GetStringAsync(new Uri("/health", UriKind.Relative)));

        Assert.Equal("Healthy", open.RootElement.GetProperty("status").GetString());
        Assert.False(open.RootElement.TryGetProperty("checks", out _));
        Assert.Equal("Healthy", detailed.RootElement.GetProperty("checks").GetProperty("PostgreSql").GetProperty("status").GetString());
        // Served from one check at most two seconds old, not a database round trip per probe.
        var checkedAt = open.RootElement.GetProperty("checkedAt").GetDateTimeOffset();
        Assert.True(DateTimeOffset.UtcNow - checkedAt < TimeSpan.FromSeconds(10));
        using var burst = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => anonymous.GetStringAsync(new Uri("/health", UriKind.Relative))))
            .ContinueWith(task => JsonDocument.Parse($"[{string.Join(',', task.Result)}]"), TaskScheduler.Default);
        Assert.True(burst.RootElement.EnumerateArray().Select(item => item.GetProperty("checkedAt").GetString()).Distinct().Count() <= 2);
    }

    private async Task<string> TicketUrlAsync(Guid id, string kind)
    {
        using var response = await _pipeline.Sessions.Http.PostAsync(new Uri($"/api/sessions/{id}/tickets", UriKind.Relative), null);
        response.EnsureSuccessStatusCode();
        using var ticket = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        Assert.True(ticket.RootElement.GetProperty("expiresAt").GetDateTimeOffset() > DateTimeOffset.UtcNow);
        return ticket.RootElement.GetProperty(kind).GetString()!;
    }

    /// <summary>The README's command, <c>dotnet run --project Deckard.Api -- keys …</c>, against the test database.</summary>
    private async Task<(int ExitCode, string Output)> KeysCommandAsync(params string[] arguments)
    {
        var project = Path.GetDirectoryName(new Projects.Deckard_Api().ProjectPath)!;
        var start = new ProcessStartInfo("dotnet") { RedirectStandardOutput = true, RedirectStandardError = true, WorkingDirectory = project };
        foreach (var argument in (string[])["run", "--no-build", "--no-launch-profile", "--", "keys", .. arguments])
        {
            start.ArgumentList.Add(argument);
        }

        start.Environment["ConnectionStrings__deckard"] = await _pipeline.Topology.ConnectionStringAsync("deckard");
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync().WaitAsync(TimeSpan.FromMinutes(2));
        return (process.ExitCode, await output + await errors);
    }
}
