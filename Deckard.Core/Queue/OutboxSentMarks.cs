using System.Threading.Channels;
using Deckard.Core.Storage;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Npgsql;

namespace Deckard.Core.Queue;

/// <summary>
/// Marks published outbox rows sent, many in one statement, off the path of the request or step that published
/// them. A mark is bookkeeping: the message is already in the stream, and a row left unmarked (this process died, the
/// database was away) is published again by a relay once its grace has passed, which a step's claim absorbs.
/// </summary>
public sealed partial class OutboxSentMarks(NpgsqlDataSource dataSource, TimeProvider timeProvider, ILogger<OutboxSentMarks> logger)
    : BackgroundService
{
    private const int BatchSize = 1000;
    private readonly Channel<long> _sent = Channel.CreateUnbounded<long>(new UnboundedChannelOptions { SingleReader = true });

    public void Add(long outboxId) => _sent.Writer.TryWrite(outboxId);

    public override Task StopAsync(CancellationToken cancellationToken)
    {
        // The marks still queued are written before the loop ends.
        _sent.Writer.TryComplete();
        return base.StopAsync(cancellationToken);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var ids = new List<long>(BatchSize);
        // Not cancelled by stoppingToken: the loop ends when StopAsync completes the channel and the queue is written.
        while (await _sent.Reader.WaitToReadAsync(CancellationToken.None))
        {
            while (ids.Count < BatchSize && _sent.Reader.TryRead(out var id))
            {
                ids.Add(id);
            }

            try
            {
                await using var mark = dataSource.CreateCommand("UPDATE outbox SET sent_at = @now WHERE id = ANY(@ids) AND sent_at IS NULL");
                mark.Parameters.AddWithValue("now", timeProvider.GetUtcNow());
                mark.Parameters.AddWithValue("ids", ids.ToArray());
                mark.CommandTimeout = 10;
                await mark.ExecuteNonQueryAsync(CancellationToken.None);
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or InvalidOperationException)
            {
                BrokenConnections.ClearPoolIfServerWentAway(dataSource, exception);
                LogMarkFailed(logger, ids.Count, exception.Message);
            }

            ids.Clear();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Count} published outbox rows could not be marked sent; a relay publishes them again after the grace: {Reason}")]
    private static partial void LogMarkFailed(ILogger logger, int count, string reason);
}
