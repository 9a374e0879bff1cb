using Deckard.Core.Sessions;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Security;

/// <summary>Deletes finished sessions older than <see cref="RetentionOptions.SessionMaxAge"/>, in batches, on every Api instance.</summary>
public sealed partial class RetentionSweep(
    SessionDeletion deletion, IOptions<RetentionOptions> options, TimeProvider timeProvider, ILogger<RetentionSweep> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (options.Value.SessionMaxAge <= TimeSpan.Zero)
        {
            return;
        }

        using var timer = new PeriodicTimer(options.Value.SweepInterval, timeProvider);
        do
        {
            try
            {
                await SweepAsync(stoppingToken);
            }
            catch (Exception exception) when (exception is not OperationCanceledException)
            {
                LogSweepFailed(logger, exception);
            }
        }
        while (await timer.WaitForNextTickAsync(stoppingToken));
    }

    /// <returns>How many sessions were deleted.</returns>
    public async Task<int> SweepAsync(CancellationToken cancellationToken)
    {
        var cutoff = timeProvider.GetUtcNow() - options.Value.SessionMaxAge;
        var total = 0;
        int deleted;
        do
        {
            deleted = await deletion.DeleteFinishedBeforeAsync(cutoff, BatchSize, cancellationToken);
            total += deleted;
        }
        while (deleted == BatchSize);

        if (total > 0)
        {
            LogSwept(logger, total, options.Value.SessionMaxAge.TotalDays);
        }

        return total;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Retention: deleted {Count} sessions that ended more than {Days:0.##} days ago")]
    private static partial void LogSwept(ILogger logger, int count, double days);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Retention sweep failed; it runs again at the next interval")]
    private static partial void LogSweepFailed(ILogger logger, Exception exception);
}
