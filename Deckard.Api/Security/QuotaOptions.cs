using System.ComponentModel.DataAnnotations;

namespace Deckard.Api.Security;

/// <summary>
/// What one principal may use (configuration section <c>Quotas</c>): request rates, sessions at once, live
/// conversations at once, and a daily budget of model tokens and GPU seconds. <see cref="Principals"/> gives
/// named principals other limits (a partner, a load-test account).
/// </summary>
public sealed class QuotaOptions
{
    public const string SectionName = "Quotas";

    [Range(1, 1_000_000)]
    public int RequestsPerMinute { get; set; } = 600;

    [Range(1, 100_000)]
    public int SessionsPerMinute { get; set; } = 20;

    [Range(1, 100_000)]
    public int MaxActiveSessions { get; set; } = 10;

    [Range(1, 10_000)]
    public int MaxLiveConversations { get; set; } = 2;

    /// <summary>Model tokens per UTC day (transcription, routing, answers, speech, realtime), from the steps' recorded usage.</summary>
    [Range(1, long.MaxValue)]
    public long DailyTokens { get; set; } = 2_000_000;

    /// <summary>GPU seconds per UTC day (lip-sync renders).</summary>
    [Range(1, 1e9)]
    public double DailyGpuSeconds { get; set; } = 3600;

    /// <summary>Requests per minute from one address before it has authenticated (health probes are not counted).</summary>
    [Range(1, 1_000_000)]
    public int AnonymousRequestsPerMinute { get; set; } = 300;

    public Dictionary<string, PrincipalQuota> Principals { get; set; } = new(StringComparer.Ordinal);

    public EffectiveQuota For(string principal)
    {
        var custom = Principals.GetValueOrDefault(principal);
        return new EffectiveQuota(
            custom?.RequestsPerMinute ?? RequestsPerMinute,
            custom?.SessionsPerMinute ?? SessionsPerMinute,
            custom?.MaxActiveSessions ?? MaxActiveSessions,
            custom?.MaxLiveConversations ?? MaxLiveConversations,
            custom?.DailyTokens ?? DailyTokens,
            custom?.DailyGpuSeconds ?? DailyGpuSeconds);
    }
}

/// <summary>One principal's own limits; what is left out comes from the defaults.</summary>
public sealed class PrincipalQuota
{
    public int? RequestsPerMinute { get; set; }

    public int? SessionsPerMinute { get; set; }

    public int? MaxActiveSessions { get; set; }

    public int? MaxLiveConversations { get; set; }

    public long? DailyTokens { get; set; }

    public double? DailyGpuSeconds { get; set; }
}

public sealed record EffectiveQuota(
    int RequestsPerMinute, int SessionsPerMinute, int MaxActiveSessions, int MaxLiveConversations, long DailyTokens, double DailyGpuSeconds);
