using System.Net;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// Per-principal limits: a request rate (429 with Retry-After at every endpoint), sessions and connected conversations
/// at once, and a daily budget of tokens and GPU seconds that refuses new work once spent, deleted sessions included.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class QuotaTests
{
    private readonly PipelineFixture _pipeline;

    public QuotaTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public async Task Over_its_request_rate_a_principal_gets_429_with_retry_after_at_every_endpoint()
    {
        // 'limited' may make one request a minute; the first one spends it.
        var limited = await _pipeline.ClientForAsync(PipelineFixture.RateLimitedPrincipal);
        var session = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Name a planet", """{"intent":"search","lipsync":false}"""));
        using (var first = await limited.Http.GetAsync(new Uri("/api/avatars", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        }

        foreach (var (endpoint, request) in EndpointTable.Requests)
        {
            using var response = await limited.Http.SendAsync(request(session));

            var problem = await ProblemAssert.IsProblemAsync(response, 429, "rate-limited");
            var retryAfter = ProblemAssert.RetryAfter(response);
            Assert.True(retryAfter <= TimeSpan.FromSeconds(60), $"{endpoint}: Retry-After {retryAfter}");
            Assert.Equal((int)retryAfter.TotalSeconds, problem.GetProperty("retryAfterSeconds").GetInt32());
        }

        // Other principals are not affected by one principal's rate.
        using var others = await _pipeline.Sessions.Http.GetAsync(new Uri("/api/avatars", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, others.StatusCode);
        await _pipeline.Sessions.WaitForEndAsync(session);
    }

    [Fact]
    public async Task Every_steps_usage_is_added_to_the_principals_running_total_for_the_day_as_it_is_stored()
    {
        // The quota check reads this one row before every new session, instead of summing the principal's day of steps.
        var principal = $"spender-{Guid.NewGuid():N}";
        var spender = await _pipeline.ClientForAsync(principal);
        const string TodaysSteps = """
            SELECT coalesce(sum(coalesce(st.total_tokens, coalesce(st.input_tokens, 0) + coalesce(st.output_tokens, 0))), 0)::bigint
            FROM steps st JOIN sessions s ON s.id = st.session_id WHERE s.owner = @owner
            """;
        const string Ledger = "SELECT coalesce(sum(tokens), 0)::bigint FROM spend_ledger WHERE owner = @owner AND day = (now() AT TIME ZONE 'UTC')::date";

        foreach (var question in new[] { "What is the tallest mountain?", "How deep is the Mariana Trench?" })
        {
            var id = await spender.CreatedIdAsync(await spender.CreateWithPromptAsync(question, """{"lipsync":false}"""));
            Assert.Equal("session.completed", (await spender.WaitForEndAsync(id))[^1].Type);

            var stepTokens = await _pipeline.ScalarAsync<long>(TodaysSteps, ("owner", principal));
            Assert.True(stepTokens > 0);
            Assert.Equal(stepTokens, await _pipeline.ScalarAsync<long>(Ledger, ("owner", principal)));
        }
    }

    [Fact]
    public async Task Once_todays_budget_is_spent_new_sessions_and_conversations_are_refused_until_midnight_utc()
    {
        // 'frugal' may spend one token a day. What it spent on a session it since deleted still counts: the ledger.
        var frugal = await _pipeline.ClientForAsync(PipelineFixture.FrugalPrincipal);
        await _pipeline.ScalarAsync<int>("""
            INSERT INTO spend_ledger (owner, day, tokens, gpu_seconds) VALUES (@owner, (now() AT TIME ZONE 'UTC')::date, 1200, 0)
            ON CONFLICT (owner, day) DO UPDATE SET tokens = 1200 RETURNING 1
            """, ("owner", PipelineFixture.FrugalPrincipal));
        var before = await _pipeline.CountStoredAsync();

        using var response = await frugal.CreateWithPromptAsync("Paint me as a knight", """{"intent":"avatar"}""");

        var problem = await ProblemAssert.IsProblemAsync(response, 429, "daily-budget-spent");
        var untilMidnight = DateTimeOffset.UtcNow.Date.AddDays(1) - DateTimeOffset.UtcNow;
        Assert.InRange(ProblemAssert.RetryAfter(response), untilMidnight - TimeSpan.FromMinutes(1), untilMidnight + TimeSpan.FromMinutes(1));
        Assert.Equal(1200, problem.GetProperty("tokensToday").GetInt64());
        Assert.Equal(1, problem.GetProperty("dailyTokens").GetInt64());
        Assert.Equal(before, await _pipeline.CountStoredAsync());
    }

    [Fact]
    public async Task A_principal_runs_at_most_its_sessions_and_connected_conversations_at_once()
    {
        // 'single' may have one session running and one conversation connected.
        var single = await _pipeline.ClientForAsync(PipelineFixture.SingleSessionPrincipal);
        await WaitForNoActiveSessionsAsync(PipelineFixture.SingleSessionPrincipal);
        var live = await single.StartConversationAsync();

        using (var second = await single.CreateWithPromptAsync("And another thing", """{"intent":"search","lipsync":false}"""))
        {
            await ProblemAssert.IsProblemAsync(second, 429, "too-many-active-sessions");
            ProblemAssert.RetryAfter(second);
        }

        await single.Http.PostAsync(new Uri($"/api/sessions/{live}/cancel", UriKind.Relative), null);
        var next = await single.CreatedIdAsync(await single.CreateWithPromptAsync("Now it fits", """{"intent":"search","lipsync":false}"""));
        Assert.Equal("session.completed", (await single.WaitForEndAsync(next))[^1].Type);
    }

    [Fact]
    public async Task A_second_connected_conversation_over_the_limit_is_refused_before_the_upgrade()
    {
        var single = await _pipeline.ClientForAsync(PipelineFixture.SingleSessionPrincipal);
        await WaitForNoActiveSessionsAsync(PipelineFixture.SingleSessionPrincipal);
        var first = await single.StartConversationAsync();
        await using var connected = await RealtimeTestClient.ConnectAsync(single.Http, first);
        // A second live conversation, made live behind the quota's back (as a voice routed to conversation would be).
        var second = await _pipeline.ScalarAsync<Guid>("""
            INSERT INTO sessions (id, owner, kind, status, prompt, options, created_at, updated_at, intent, live_at)
            VALUES (gen_random_uuid(), @owner, 'prompt', 'conversing', 'hello', '{}'::jsonb, now(), now(), 'conversation', now())
            RETURNING id
            """, ("owner", PipelineFixture.SingleSessionPrincipal));
        await _pipeline.ScalarAsync<int>("UPDATE sessions SET live_at = now() WHERE id = @id RETURNING 1", ("id", first));

        var (status, body) = await RealtimeTestClient.TryConnectAsync(single.Http, second);

        Assert.Equal(HttpStatusCode.TooManyRequests, status);
        Assert.Contains("too-many-live-conversations", body, StringComparison.Ordinal);
        await _pipeline.ScalarAsync<int>("UPDATE sessions SET status = 'cancelled', finished_at = now() WHERE id = @id RETURNING 1", ("id", second));
        await connected.HangUpAsync();
    }

    private async Task WaitForNoActiveSessionsAsync(string owner)
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            if (await _pipeline.ScalarAsync<long>("SELECT count(*) FROM sessions WHERE owner = @owner AND status IN ('queued', 'running', 'conversing')", ("owner", owner)) == 0)
            {
                return;
            }

            await Task.Delay(200);
        }

        Assert.Fail($"{owner} still has sessions running");
    }
}
