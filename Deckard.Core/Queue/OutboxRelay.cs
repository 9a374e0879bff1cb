using Deckard.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.Core.Queue;

/// <summary>
/// The outbox's safety net: sweeps for rows that are due and unsent (scheduled retries, and rows whose writer could
/// not publish them straight after its commit, once <see cref="QueueOptions.PublishGrace"/> has passed), publishes
/// them and marks them sent. Rows are locked with
/// <c>SKIP LOCKED</c>, so any number of relays (one per Api and Workers process) share the work; a row is marked sent
/// only after <c>XADD</c> succeeded, so a job accepted while Redis is down waits here and goes out once Redis is back
/// (at-least-once).
/// </summary>
public sealed partial class OutboxRelay(
    NpgsqlDataSource dataSource,
    OutboxPublisher publisher,
    IOptions<QueueOptions> options,
    TimeProvider timeProvider,
    ILogger<OutboxRelay> logger) : BackgroundService
{
    private const int BatchSize = 200;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var redisWasDown = false;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                while (await PublishDueAsync(stoppingToken) == BatchSize)
                {
                    // A full batch: there may be more.
                }

                if (redisWasDown)
                {
                    LogRedisBack(logger);
                    redisWasDown = false;
                }
            }
            catch (Exception exception) when (exception is RedisException or NpgsqlException or TimeoutException && !stoppingToken.IsCancellationRequested)
            {
                BrokenConnections.ClearPoolIfServerWentAway(dataSource, exception);
                if (!redisWasDown)
                {
                    LogPublishFailed(logger, exception.Message);
                }

                redisWasDown = true;
            }

            try
            {
                await Task.Delay(options.Value.RelaySweepInterval, timeProvider, stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    /// <summary>Publishes one batch of due rows; returns how many.</summary>
    public async Task<int> PublishDueAsync(CancellationToken cancellationToken)
    {
        var queue = options.Value;
        await using var connection = await dataSource.OpenConnectionAsync(cancellationToken);
        await using var transaction = await connection.BeginTransactionAsync(cancellationToken);
        var due = new List<StepMessage>();
        await using (var select = new NpgsqlCommand("""
            SELECT id, session_id, step, trace_parent, instance FROM outbox
            WHERE sent_at IS NULL AND available_at <= @now
              -- A row due at once is its writer's to publish; it is ours only once the grace has passed.
              AND (available_at > created_at OR created_at <= @now - @grace)
            ORDER BY available_at, id
            LIMIT @limit
            FOR UPDATE SKIP LOCKED
            """, connection, transaction))
        {
            select.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
            select.Parameters.AddWithValue("limit", BatchSize);
            select.Parameters.AddWithValue("grace", queue.PublishGrace);
            await using var reader = await select.ExecuteReaderAsync(cancellationToken);
            while (await reader.ReadAsync(cancellationToken))
            {
                due.Add(new StepMessage(reader.GetGuid(1), reader.GetString(2), reader.IsDBNull(3) ? null : reader.GetString(3), reader.GetInt64(0), reader.GetString(4)));
            }
        }

        if (due.Count == 0)
        {
            return 0;
        }

        // Marked sent only after XADD succeeded: a failure leaves the rows for the next sweep.
        await publisher.AddToStreamAsync(due);
        await using (var mark = new NpgsqlCommand("UPDATE outbox SET sent_at = @now WHERE id = ANY(@ids)", connection, transaction))
        {
            mark.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
            mark.Parameters.AddWithValue("ids", due.Select(message => message.OutboxId).ToArray());
            await mark.ExecuteNonQueryAsync(cancellationToken);
        }

        await transaction.CommitAsync(cancellationToken);
        // Off the critical path (retries, rows left behind): wake the consumers only once the rows are marked sent.
        await publisher.WakeConsumersAsync(due.Count);
        return due.Count;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Outbox relay cannot publish yet; jobs wait in the outbox: {Reason}")]
    private static partial void LogPublishFailed(ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Outbox relay publishing again")]
    private static partial void LogRedisBack(ILogger logger);
}
