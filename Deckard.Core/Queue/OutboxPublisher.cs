using System.Diagnostics;
using Deckard.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.Core.Queue;

/// <summary>
/// Adds step messages to the Redis stream and wakes the consumers. The process that committed an outbox row
/// publishes it straight away (<see cref="PublishCommittedAsync"/>), which keeps the relay's wake-up and sweep off
/// the critical path; if that fails (Redis away, the process dies) the row stays unsent and the relay takes it.
/// </summary>
public sealed partial class OutboxPublisher(
    IConnectionMultiplexer redis,
    IOptions<QueueOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxPublisher> logger)
{
    /// <summary>XADDs every message (with a publish span each).</summary>
    public async Task AddToStreamAsync(IReadOnlyCollection<StepMessage> messages)
    {
        var queue = options.Value;
        var database = redis.GetDatabase();
        foreach (var message in messages)
        {
            using var activity = DeckardTelemetry.Queue.StartActivity(
                $"send {queue.StreamName}", ActivityKind.Producer, DeckardTelemetry.ParentFrom(message.TraceParent));
            activity?.SetTag("messaging.system", "redis");
            activity?.SetTag("messaging.operation.type", "send");
            activity?.SetTag("messaging.destination.name", queue.StreamName);
            activity?.SetTag("deckard.session.id", message.SessionId);
            activity?.SetTag("deckard.step", message.Step);
            // The entry carries the publish span's context, so the consumer's span is its child.
            var published = message with { TraceParent = activity?.Id ?? message.TraceParent };
            var id = await database.StreamAddAsync(
                queue.StreamName, published.ToEntries(), maxLength: queue.MaxStreamLength, useApproximateMaxLength: true);
            activity?.SetTag("messaging.message.id", id.ToString());
        }
    }

    /// <summary>Tells idle consumers to read now rather than at their next poll.</summary>
    public Task WakeConsumersAsync(int count) =>
        redis.GetSubscriber().PublishAsync(RedisChannel.Literal(options.Value.WakeChannel), count);

    /// <summary>
    /// Publishes a just-committed outbox row and marks it sent, holding its lock meanwhile so a relay sweeping at the
    /// same moment skips it; on failure the row stays unsent for the relay. It uses the writer's own connection
    /// (its transaction committed): taking a second one from the pool while holding the first could starve the pool.
    /// </summary>
    public async Task PublishCommittedAsync(NpgsqlConnection connection, StepMessage message, CancellationToken cancellationToken)
    {
        try
        {
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
            await using (var claim = new NpgsqlCommand(
                "SELECT 1 FROM outbox WHERE id = @id AND sent_at IS NULL FOR UPDATE SKIP LOCKED", connection, transaction))
            {
                claim.Parameters.AddWithValue("id", message.OutboxId);
                if (await claim.ExecuteScalarAsync(cancellationToken) is null)
                {
                    return; // A relay got there first.
                }
            }

            await AddToStreamAsync([message]);
            // Woken before the row is marked: the mark is bookkeeping, and the consumer should not wait for it.
            await WakeConsumersAsync(1);
            await using (var mark = new NpgsqlCommand("UPDATE outbox SET sent_at = @now WHERE id = @id", connection, transaction))
            {
                mark.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
                mark.Parameters.AddWithValue("id", message.OutboxId);
                await mark.ExecuteNonQueryAsync(cancellationToken);
            }

            await transaction.CommitAsync(cancellationToken);
        }
        catch (Exception exception) when (exception is RedisException or NpgsqlException or TimeoutException)
        {
            // Either not published, or published but not marked: the relay publishes it (again), which a step's
            // claim absorbs.
            LogLeftToRelay(logger, message.OutboxId, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {OutboxId} could not be published now; the relay will: {Reason}")]
    private static partial void LogLeftToRelay(ILogger logger, long outboxId, string reason);
}
