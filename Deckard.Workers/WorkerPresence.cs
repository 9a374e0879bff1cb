using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Deckard.Workers;

/// <summary>
/// Announces this replica in Redis (<c>deckard:workers:{instanceId}</c>, with a TTL) while it runs, so operators,
/// the dashboard and tests can see how many replicas are alive. Removes the key on a clean stop.
/// </summary>
public sealed partial class WorkerPresence(
    IConnectionMultiplexer redis,
    WorkerIdentity identity,
    IOptions<WorkerPresenceOptions> options,
    TimeProvider timeProvider,
    ILogger<WorkerPresence> logger) : BackgroundService
{
    public const string KeyPrefix = "deckard:workers:";

    private string Key => KeyPrefix + identity.InstanceId;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        LogStarted(logger, identity.InstanceId);
        var startedAt = timeProvider.GetUtcNow();
        using var timer = new PeriodicTimer(options.Value.Interval, timeProvider);
        try
        {
            do
            {
                await RefreshAsync(startedAt);
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    private async Task RefreshAsync(DateTimeOffset startedAt)
    {
        try
        {
            await redis.GetDatabase().StringSetAsync(Key, startedAt.ToString("O"), options.Value.TimeToLive);
        }
        catch (RedisException exception)
        {
            // Redis being briefly away must not stop the replica; the health check reports it.
            LogRefreshFailed(logger, exception, identity.InstanceId);
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        await base.StopAsync(cancellationToken);
        try
        {
            // Best effort, and brief: when everything stops at once Redis may already be gone, and the key expires anyway.
            await redis.GetDatabase().KeyDeleteAsync(Key).WaitAsync(RemovalTimeout, cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException or OperationCanceledException)
        {
            LogRemovalFailed(logger, identity.InstanceId, exception.GetType().Name);
        }
    }

    private static readonly TimeSpan RemovalTimeout = TimeSpan.FromSeconds(1);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker replica {InstanceId} stopped without removing its presence key ({Reason}); it expires on its own")]
    private static partial void LogRemovalFailed(ILogger logger, string instanceId, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Worker replica {InstanceId} started")]
    private static partial void LogStarted(ILogger logger, string instanceId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Worker replica {InstanceId} could not refresh its presence in Redis")]
    private static partial void LogRefreshFailed(ILogger logger, Exception exception, string instanceId);
}
