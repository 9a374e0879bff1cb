using Deckard.Core.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Deckard.Core.Queue;

/// <summary>
/// Reads the step stream's and the dead-letter stream's length and the consumer groups' pending and unread counts
/// every <see cref="QueueOptions.MetricsInterval"/>, for the <c>deckard.stream.*</c> gauges.
/// </summary>
public sealed partial class QueueMetricsSampler(IConnectionMultiplexer redis, IOptions<QueueOptions> options, ILogger<QueueMetricsSampler> logger)
    : BackgroundService
{
    private volatile QueueReading? _latest;

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        DeckardMetrics.ObserveQueue(() => _latest);
        return base.StartAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = options.Value;
        using var timer = new PeriodicTimer(queue.MetricsInterval);
        try
        {
            do
            {
                try
                {
                    _latest = await ReadAsync(redis.GetDatabase(), queue);
                }
                catch (RedisException exception)
                {
                    // Redis is away: the gauges keep their last reading rather than report an empty queue.
                    LogReadFailed(logger, exception.Message);
                }
            }
            while (await timer.WaitForNextTickAsync(stoppingToken));
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Stopping.
        }
    }

    public static async Task<QueueReading> ReadAsync(IDatabase database, QueueOptions queue)
    {
        var length = await database.StreamLengthAsync(queue.StreamName);
        var deadLetters = await database.StreamLengthAsync(queue.DeadLetterStreamName);
        var groups = await database.KeyExistsAsync(queue.StreamName) ? await database.StreamGroupInfoAsync(queue.StreamName) : [];
        return new QueueReading(
            [new StreamReading(queue.StreamName, length), new StreamReading(queue.DeadLetterStreamName, deadLetters)],
            [.. groups.Select(group => new ConsumerGroupReading(queue.StreamName, group.Name, group.PendingMessageCount, group.Lag))]);
    }

    [LoggerMessage(Level = LogLevel.Debug, Message = "Could not read the queue's metrics: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);
}
