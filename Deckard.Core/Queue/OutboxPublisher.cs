using System.Diagnostics;
using Deckard.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.Core.Queue;

/// <summary>
/// Adds step messages to the Redis stream and wakes the consumers. The process that committed an outbox row
/// publishes it straight away (<see cref="PublishCommittedAsync"/>), which keeps the relay's sweep off the critical
/// path; if that fails (Redis away, the process dies) the row stays unsent and a relay takes it after its grace.
/// </summary>
public sealed partial class OutboxPublisher(
    IConnectionMultiplexer redis,
    OutboxSentMarks sentMarks,
    IOptions<QueueOptions> options,
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
    /// Publishes a just-committed outbox row and wakes the consumers, then queues the row's mark as sent (written in
    /// batches, off this path). Relays leave a fresh row alone for <see cref="QueueOptions.PublishGrace"/>, so they do
    /// not race its writer; if the publish fails (Redis away, the process dies) the row stays unsent and a relay takes
    /// it after the grace.
    /// </summary>
    public async Task PublishCommittedAsync(StepMessage message)
    {
        try
        {
            // The wake-up goes out right behind the XADD on the same connection (Redis runs them in order), not a round
            // trip later.
            await Task.WhenAll(AddToStreamAsync([message]), WakeConsumersAsync(1));
            sentMarks.Add(message.OutboxId);
        }
        catch (Exception exception) when (exception is RedisException or TimeoutException)
        {
            // Not published (or published without its mark): a relay publishes it after the grace, which a step's
            // claim absorbs.
            LogLeftToRelay(logger, message.OutboxId, exception.Message);
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox row {OutboxId} could not be published now; the relay will: {Reason}")]
    private static partial void LogLeftToRelay(ILogger logger, long outboxId, string reason);
}
