using Deckard.Api.Conversations;
using Deckard.Core.Costs;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Security;

/// <summary>
/// The checks before new work is accepted: sessions running at once, live conversations at once, and today's budget of
/// tokens and GPU seconds. One query reads all of it.
/// </summary>
public sealed class QuotaGate(
    PrincipalUsageReader usage, IOptionsMonitor<QuotaOptions> options, IOptions<ConversationOptions> conversations, TimeProvider timeProvider)
{
    /// <summary>Null when the principal may start another session; else the refusal to send.</summary>
    public async Task<QuotaRefusal?> CheckNewSessionAsync(string principal, CancellationToken cancellationToken)
    {
        var quota = options.CurrentValue.For(principal);
        var current = await usage.ReadAsync(principal, cancellationToken);
        if (current.ActiveSessions >= quota.MaxActiveSessions)
        {
            return new QuotaRefusal("too-many-active-sessions", "Too many sessions at once",
                $"This principal has {current.ActiveSessions} sessions running; the limit is {quota.MaxActiveSessions}. " +
                "Wait for one to finish, or cancel one.", TimeSpan.FromSeconds(5), null);
        }

        return Budget(current, quota);
    }

    /// <summary>Null when this conversation may connect: fewer of the principal's other conversations have a socket open than allowed.</summary>
    public async Task<QuotaRefusal?> CheckConversationAsync(string principal, Guid sessionId, CancellationToken cancellationToken)
    {
        var quota = options.CurrentValue.For(principal);
        // A connected conversation's heartbeat is at most one interval old; three allow for a slow tick.
        var connectedSince = timeProvider.GetUtcNow() - (3 * conversations.Value.Heartbeat);
        var current = await usage.ReadAsync(principal, cancellationToken, connectedSince, except: sessionId);
        if (current.LiveConversations >= quota.MaxLiveConversations)
        {
            return new QuotaRefusal("too-many-live-conversations", "Too many live conversations",
                $"This principal has {current.LiveConversations} conversations connected; the limit is {quota.MaxLiveConversations}. " +
                "End one (close its socket) first.", TimeSpan.FromSeconds(5), null);
        }

        return Budget(current, quota);
    }

    private QuotaRefusal? Budget(PrincipalUsage current, EffectiveQuota quota)
    {
        if (current.TokensToday < quota.DailyTokens && current.GpuSecondsToday < quota.DailyGpuSeconds)
        {
            return null;
        }

        var spent = current.TokensToday >= quota.DailyTokens
            ? $"{current.TokensToday} of {quota.DailyTokens} model tokens"
            : $"{current.GpuSecondsToday:0} of {quota.DailyGpuSeconds:0} GPU seconds";
        return new QuotaRefusal("daily-budget-spent", "Today's budget is spent",
            $"This principal has used {spent} today (UTC); new work is refused until {current.DayEndsAt:yyyy-MM-dd HH:mm} UTC.",
            current.DayEndsAt - timeProvider.GetUtcNow(),
            new Dictionary<string, object?>
            {
                ["tokensToday"] = current.TokensToday,
                ["dailyTokens"] = quota.DailyTokens,
                ["gpuSecondsToday"] = Math.Round(current.GpuSecondsToday, 3),
                ["dailyGpuSeconds"] = quota.DailyGpuSeconds,
                ["resetsAt"] = current.DayEndsAt,
            });
    }
}

/// <summary>A 429 with a code, a sentence, when to retry, and the figures behind it.</summary>
public sealed record QuotaRefusal(string Code, string Title, string Detail, TimeSpan RetryAfter, IDictionary<string, object?>? Extensions)
{
    /// <summary>The refusal as an endpoint's result; <c>Retry-After</c> goes on the response first.</summary>
    public ProblemHttpResult ToResult(HttpContext context)
    {
        var seconds = ApiProblems.RetryAfterSeconds(RetryAfter);
        context.Response.Headers.RetryAfter = seconds.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var extensions = new Dictionary<string, object?>(Extensions ?? new Dictionary<string, object?>()) { ["retryAfterSeconds"] = seconds };
        return ApiProblems.Create(StatusCodes.Status429TooManyRequests, Code, Title, Detail, extensions);
    }
}
