using Deckard.Core.Steps;
using Npgsql;

namespace Deckard.Core.Costs;

/// <summary>
/// Each principal's spend per UTC day, kept as a running total: a step adds its usage in the transaction that stores
/// it, so the quota check before a new session reads one row instead of summing the principal's day of steps.
/// </summary>
public static class SpendLedger
{
    private const string AddSql = """
        INSERT INTO spend_ledger (owner, day, tokens, gpu_seconds) VALUES (@owner, @day, @tokens, @gpu)
        ON CONFLICT (owner, day) DO UPDATE
            SET tokens = spend_ledger.tokens + excluded.tokens, gpu_seconds = spend_ledger.gpu_seconds + excluded.gpu_seconds
        """;

    /// <summary>The addition as a batch command, or null when nothing was spent (most steps: no second write).</summary>
    public static NpgsqlBatchCommand? AddCommand(string owner, DateTimeOffset at, long tokens, double gpuSeconds)
    {
        if (tokens <= 0 && gpuSeconds <= 0)
        {
            return null;
        }

        var command = new NpgsqlBatchCommand(AddSql);
        command.Parameters.AddWithValue("owner", owner);
        command.Parameters.AddWithValue("day", Day(at));
        command.Parameters.AddWithValue("tokens", Math.Max(0, tokens));
        command.Parameters.AddWithValue("gpu", Math.Max(0, gpuSeconds));
        return command;
    }

    /// <summary>The UTC day a spend counts against.</summary>
    public static DateOnly Day(DateTimeOffset at) => DateOnly.FromDateTime(at.UtcDateTime);

    /// <summary>Tokens as the cost estimate counts them: the total, or input plus output when no total was reported.</summary>
    public static long Tokens(ModelUsage? usage) =>
        usage is null ? 0 : usage.TotalTokens ?? (long)(usage.InputTokens ?? 0) + (usage.OutputTokens ?? 0);
}
