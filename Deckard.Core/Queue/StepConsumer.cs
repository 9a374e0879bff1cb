using System.Diagnostics;
using Deckard.Core.Steps;
using Deckard.Core.Telemetry;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Deckard.Core.Queue;

/// <summary>
/// Reads step messages from the stream's consumer group and runs them, several at once. StackExchange.Redis has no
/// blocking reads, so an idle consumer waits for the relay's wake-up (pub/sub) or its poll interval. On start it
/// first re-runs its own pending messages (it died mid-step); periodically it reclaims messages of consumers idle
/// past the visibility timeout (<c>XAUTOCLAIM</c>), and while running a step it keeps claiming it, so a long step
/// is not taken away from a live worker. A message is acknowledged only after its outcome is stored.
/// </summary>
public sealed partial class StepConsumer(
    IConnectionMultiplexer redis,
    StepRunner runner,
    ConsumerName consumer,
    IOptions<QueueOptions> options,
    ILogger<StepConsumer> logger) : BackgroundService
{
    private readonly SemaphoreSlim _wake = new(0, 1);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = options.Value;
        var database = redis.GetDatabase();
        await EnsureGroupAsync(database, queue, stoppingToken);
        await redis.GetSubscriber().SubscribeAsync(RedisChannel.Literal(queue.WakeChannel), (_, _) => Wake());
        LogStarted(logger, consumer.Value, queue.StreamName, queue.Concurrency);

        using var slots = new SemaphoreSlim(queue.Concurrency, queue.Concurrency);
        var running = new List<Task>();
        var lastReclaim = DateTimeOffset.MinValue;
        var ownPendingChecked = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            running.RemoveAll(task => task.IsCompleted);
            var free = slots.CurrentCount;
            StreamEntry[] entries = [];
            // Entries taken over from a consumer that died (its own, after a restart, or another's, past the visibility
            // timeout) may continue a step left running; a fresh entry for a running step is a duplicate and is not.
            var takenOver = false;
            if (free > 0)
            {
                try
                {
                    if (!ownPendingChecked)
                    {
                        // "0" re-delivers what this consumer had read but not acknowledged before it died.
                        entries = await database.StreamReadGroupAsync(queue.StreamName, queue.ConsumerGroup, consumer.Value, "0", free);
                        ownPendingChecked = entries.Length < free;
                        takenOver = entries.Length > 0;
                    }

                    if (entries.Length == 0 && DateTimeOffset.UtcNow - lastReclaim > queue.VisibilityTimeout / 2)
                    {
                        lastReclaim = DateTimeOffset.UtcNow;
                        var claimed = await database.StreamAutoClaimAsync(
                            queue.StreamName, queue.ConsumerGroup, consumer.Value, (long)queue.VisibilityTimeout.TotalMilliseconds, "0-0", free);
                        entries = claimed.ClaimedEntries;
                        if (entries.Length > 0)
                        {
                            takenOver = true;
                            LogReclaimed(logger, entries.Length);
                        }
                    }

                    if (entries.Length == 0)
                    {
                        entries = await database.StreamReadGroupAsync(queue.StreamName, queue.ConsumerGroup, consumer.Value, ">", free);
                    }
                }
                catch (RedisException exception)
                {
                    LogReadFailed(logger, exception.Message);
                    if (exception.Message.Contains("NOGROUP", StringComparison.Ordinal))
                    {
                        await EnsureGroupAsync(database, queue, stoppingToken);
                    }
                }
            }

            foreach (var entry in entries.Where(entry => !entry.IsNull))
            {
                await slots.WaitAsync(stoppingToken);
                running.Add(ProcessAsync(database, queue, entry, takenOver, slots, stoppingToken));
            }

            if (entries.Length == 0 || slots.CurrentCount == 0)
            {
                try
                {
                    await _wake.WaitAsync(queue.PollInterval, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    break;
                }
            }
        }

        await Task.WhenAll(running);
    }

    private async Task ProcessAsync(
        IDatabase database, QueueOptions queue, StreamEntry entry, bool takenOver, SemaphoreSlim slots, CancellationToken stoppingToken)
    {
        try
        {
            var message = StepMessage.FromEntries(entry.Values);
            if (message is null)
            {
                // Not ours to understand: park it where a person can look, and stop it coming back.
                await database.StreamAddAsync(queue.DeadLetterStreamName, [.. entry.Values, new NameValueEntry("reason", "malformed message")]);
                await database.StreamAcknowledgeAsync(queue.StreamName, queue.ConsumerGroup, entry.Id);
                return;
            }

            using var activity = DeckardTelemetry.Steps.StartActivity(
                $"process {queue.StreamName}", ActivityKind.Consumer, DeckardTelemetry.ParentFrom(message.TraceParent));
            activity?.SetTag("messaging.system", "redis");
            activity?.SetTag("messaging.operation.type", "process");
            activity?.SetTag("messaging.destination.name", queue.StreamName);
            activity?.SetTag("messaging.consumer.group.name", queue.ConsumerGroup);
            activity?.SetTag("messaging.message.id", entry.Id.ToString());
            activity?.SetTag("deckard.session.id", message.SessionId);
            activity?.SetTag("deckard.step", message.Step);

            using var heartbeat = CancellationTokenSource.CreateLinkedTokenSource(stoppingToken);
            var keepClaimed = KeepClaimedAsync(database, queue, entry.Id, heartbeat.Token);
            try
            {
                await runner.RunAsync(message with { TraceParent = activity?.Id ?? message.TraceParent }, takenOver, stoppingToken);
            }
            finally
            {
                await heartbeat.CancelAsync();
                await keepClaimed;
            }

            await database.StreamAcknowledgeAsync(queue.StreamName, queue.ConsumerGroup, entry.Id);
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // Left unacknowledged: this consumer (restarted) or another one runs it again.
        }
        catch (Exception exception)
        {
            // The outcome could not be stored (database or Redis away): leave the message pending to be reclaimed.
            LogProcessFailed(logger, exception, entry.Id.ToString());
        }
        finally
        {
            slots.Release();
            Wake();
        }
    }

    /// <summary>Resets the message's idle time while the step runs, so it is reclaimed only from a dead consumer.</summary>
    private async Task KeepClaimedAsync(IDatabase database, QueueOptions queue, RedisValue id, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await Task.Delay(queue.VisibilityTimeout / 3, cancellationToken);
                await database.StreamClaimIdsOnlyAsync(queue.StreamName, queue.ConsumerGroup, consumer.Value, 0, [id]);
            }
        }
        catch (OperationCanceledException)
        {
            // The step finished.
        }
        catch (RedisException exception)
        {
            LogReadFailed(logger, exception.Message);
        }
    }

    private static async Task EnsureGroupAsync(IDatabase database, QueueOptions queue, CancellationToken cancellationToken)
    {
        while (true)
        {
            try
            {
                // From the start of the stream: entries added before the group existed are not lost.
                await database.StreamCreateConsumerGroupAsync(queue.StreamName, queue.ConsumerGroup, "0-0", createStream: true);
                return;
            }
            catch (RedisServerException exception) when (exception.Message.Contains("BUSYGROUP", StringComparison.Ordinal))
            {
                return;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
            }
        }
    }

    private void Wake()
    {
        try
        {
            _wake.Release();
        }
        catch (SemaphoreFullException)
        {
            // Already awake.
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Consumer {Consumer} reading {Stream}, {Concurrency} steps at a time")]
    private static partial void LogStarted(ILogger logger, string consumer, string stream, int concurrency);

    [LoggerMessage(Level = LogLevel.Information, Message = "Reclaimed {Count} messages from consumers idle past the visibility timeout")]
    private static partial void LogReclaimed(ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Reading the step stream failed: {Reason}")]
    private static partial void LogReadFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Error, Message = "Message {MessageId} could not be processed; it stays pending and will be reclaimed")]
    private static partial void LogProcessFailed(ILogger logger, Exception exception, string messageId);
}
