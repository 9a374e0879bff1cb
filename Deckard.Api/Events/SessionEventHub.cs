using System.Collections.Concurrent;
using Deckard.Core.Events;
using Npgsql;

namespace Deckard.Api.Events;

/// <summary>
/// One <c>LISTEN deckard_events</c> connection per Api process, fanning notifications out to the SSE streams of the
/// session they name. A small event arrives whole in its notification and is handed to the streams as it is; for a
/// large one the notification only says "look", and the streams read the table. After a lost connection every
/// subscriber is told to read, so nothing written meanwhile is missed.
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
                connection.Notification += (_, notification) => Dispatch(notification.Payload);
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

    /// <summary>Hands a notification to the streams of its session (parsed only when the session has any here).</summary>
    internal void Dispatch(string payload)
    {
        var separator = payload.IndexOf(' ', StringComparison.Ordinal);
        if (!Guid.TryParseExact(separator < 0 ? payload : payload[..separator], "N", out var sessionId)
            || !_subscribers.TryGetValue(sessionId, out var subscriptions) || subscriptions.IsEmpty)
        {
            return;
        }

        EventNotification.TryParse(payload, out _, out var sessionEvent);
        foreach (var subscription in subscriptions.Keys)
        {
            if (sessionEvent is null)
            {
                subscription.MustRead();
            }
            else
            {
                subscription.Push(sessionEvent);
            }
        }
    }

    private void SignalEveryone()
    {
        foreach (var subscription in _subscribers.Values.SelectMany(set => set.Keys))
        {
            subscription.MustRead();
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

    /// <summary>
    /// Wakes its holder when the session has new events, holding the ones that arrived whole (in commit order) and
    /// remembering when the table must be read instead.
    /// </summary>
    public sealed class Subscription(SessionEventHub hub, Guid sessionId) : IDisposable
    {
        private readonly SemaphoreSlim _signal = new(0, 1);
        private readonly Lock _gate = new();
        private Queue<SessionEvent>? _pushed;
        private bool _mustRead;

        public Guid SessionId { get; } = sessionId;

        public Task<bool> WaitAsync(TimeSpan timeout, CancellationToken cancellationToken) => _signal.WaitAsync(timeout, cancellationToken);

        /// <summary>
        /// The events that arrived whole and follow on from <paramref name="lastSeen"/> without a gap; null when the
        /// table must be read (a "look" notification, a gap, a reconnection). Either way the held events are taken.
        /// </summary>
        public List<SessionEvent>? TakeFollowing(long lastSeen)
        {
            lock (_gate)
            {
                var mustRead = _mustRead;
                _mustRead = false;
                var following = new List<SessionEvent>();
                while (_pushed is { Count: > 0 } && _pushed.Dequeue() is var next)
                {
                    if (next.Seq <= lastSeen)
                    {
                        continue; // already sent (a read covered it)
                    }

                    if (next.Seq != lastSeen + 1)
                    {
                        mustRead = true;
                    }

                    following.Add(next);
                    lastSeen = next.Seq;
                }

                return mustRead ? null : following;
            }
        }

        internal void Push(SessionEvent sessionEvent)
        {
            lock (_gate)
            {
                (_pushed ??= new Queue<SessionEvent>()).Enqueue(sessionEvent);
            }

            Signal();
        }

        internal void MustRead()
        {
            lock (_gate)
            {
                _mustRead = true;
            }

            Signal();
        }

        private void Signal()
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
