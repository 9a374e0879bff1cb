using System.Collections.Concurrent;
using Deckard.Core.Events;
using Npgsql;

namespace Deckard.Api.Events;

/// <summary>
/// One <c>LISTEN deckard_events</c> connection per Api process, fanning notifications out to the SSE streams of the
/// session they name. Subscribers then read their new events from the table: a notification says "look", the table
/// says what. After a lost connection every subscriber is woken once, so nothing written meanwhile is missed.
/// </summary>
public sealed partial class SessionEventHub(NpgsqlDataSource dataSource, ILogger<SessionEventHub> logger) : BackgroundService
{
    private readonly ConcurrentDictionary<Guid, ConcurrentDictionary<Subscription, byte>> _subscribers = new();

    public Subscription Subscribe(Guid sessionId)
    {
        var subscription = new Subscription(this, sessionId);
        _subscribers.GetOrAdd(sessionId, _ => new ConcurrentDictionary<Subscription, byte>())[subscription] = 0;
        return subscription;
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var delay = TimeSpan.FromMilliseconds(200);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = await dataSource.OpenConnectionAsync(stoppingToken);
                connection.Notification += (_, notification) =>
                {
                    if (Guid.TryParseExact(notification.Payload, "N", out var sessionId))
                    {
                        Signal(sessionId);
                    }
                };
                await using (var listen = new NpgsqlCommand($"LISTEN {EventWriter.NotificationChannel}", connection))
                {
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                }

                SignalEveryone();
                delay = TimeSpan.FromMilliseconds(200);
                while (!stoppingToken.IsCancellationRequested)
                {
                    await connection.WaitAsync(stoppingToken);
                }
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
            catch (Exception exception) when (exception is NpgsqlException or TimeoutException or IOException)
            {
                LogListenLost(logger, exception.Message);
                await Task.Delay(delay, stoppingToken);
                delay = TimeSpan.FromMilliseconds(Math.Min(delay.TotalMilliseconds * 2, 5000));
            }
        }
    }

    private void Signal(Guid sessionId)
    {
        if (_subscribers.TryGetValue(sessionId, out var subscriptions))
        {
            foreach (var subscription in subscriptions.Keys)
            {
                subscription.Signal();
            }
        }
    }

    private void SignalEveryone()
    {
        foreach (var subscription in _subscribers.Values.SelectMany(set => set.Keys))
        {
            subscription.Signal();
        }
    }

    private void Remove(Subscription subscription)
    {
        if (_subscribers.TryGetValue(subscription.SessionId, out var subscriptions))
        {
            subscriptions.TryRemove(subscription, out _);
            if (subscriptions.IsEmpty)
            {
                _subscribers.TryRemove(new KeyValuePair<Guid, ConcurrentDictionary<Subscription, byte>>(subscription.SessionId, subscriptions));
            }
        }
    }

    /// <summary>Wakes its holder when the session has new events.</summary>
    public sealed class Subscription(SessionEventHub hub, Guid sessionId) : IDisposable
    {
        private readonly SemaphoreSlim _signal = new(0, 1);

        public Guid SessionId { get; } = sessionId;

        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

        internal void Signal()
        {
            try
            {
                _signal.Release();
            }
            catch (SemaphoreFullException)
            {
                // Already signalled.
            }
        }

        public void Dispose()
        {
            hub.Remove(this);
            _signal.Dispose();
        }
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Lost the PostgreSQL LISTEN connection for session events; reconnecting: {Reason}")]
    private static partial void LogListenLost(ILogger logger, string reason);
}
