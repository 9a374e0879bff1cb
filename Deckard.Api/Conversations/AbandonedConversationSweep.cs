using Deckard.Core.Conversations;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Conversations;

/// <summary>
/// Ends live conversations no browser has kept attended for the idle timeout (never connected, or left without
/// hanging up), so a session never stays live for ever. Every Api instance sweeps; ending is guarded in the database.
/// </summary>
public sealed partial class AbandonedConversationSweep(
    ConversationStore store, LiveConnections connections, IOptions<ConversationOptions> options, TimeProvider time,
    ILogger<AbandonedConversationSweep> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var interval = TimeSpan.FromTicks(Math.Max(options.Value.IdleTimeout.Ticks / 4, TimeSpan.FromMilliseconds(250).Ticks));
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await Task.Delay(interval, time, stoppingToken);
                foreach (var conversation in await store.FindAbandonedAsync(options.Value.IdleTimeout, 100, stoppingToken))
                {
                    if (!connections.IsOpen(conversation.SessionId) && await store.EndAsync(conversation, ConversationEndReasons.Idle, stoppingToken))
                    {
                        LogEnded(logger, conversation.SessionId);
                    }
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is Npgsql.NpgsqlException or TimeoutException)
            {
                LogSweepFailed(logger, exception.Message);
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Conversation {SessionId} ended: nobody attended it for the idle timeout")]
    private static partial void LogEnded(ILogger logger, Guid sessionId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The sweep for abandoned conversations failed: {Reason}")]
    private static partial void LogSweepFailed(ILogger logger, string reason);
}
