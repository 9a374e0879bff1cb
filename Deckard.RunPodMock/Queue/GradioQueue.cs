using System.Security.Cryptography;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Faults;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Queue;

/// <summary>
/// Gradio's queue (<c>gradio/queueing.py</c>) as StableAvatar runs it: one worker (<c>default_concurrency_limit=1</c>),
/// FIFO, optional <c>max_size</c>, per-session message mailboxes, estimations when an event joins and whenever the
/// queue moves ("auto" status updates), and the clean-up that follows a closed stream.
/// </summary>
public sealed class GradioQueue(
    LiveSettings settings,
    FaultBoard faults,
    TimeProvider clock,
    IOptions<RunPodMockOptions> options,
    ILogger<GradioQueue> logger)
{
    /// <summary>Gradio keeps the mailboxes of the last 2000 sessions (an LRU cache).</summary>
    private const int MailboxCapacity = 2000;

    private readonly Lock _gate = new();
    private readonly List<GenerationEvent> _waiting = [];
    private readonly Dictionary<string, SessionMailbox> _mailboxes = new(StringComparer.Ordinal);
    private readonly LinkedList<string> _mailboxOrder = new();
    private readonly Dictionary<string, HashSet<string>> _pendingEventIds = new(StringComparer.Ordinal);
    private readonly LinkedList<GenerationEvent> _history = new();
    private readonly Dictionary<string, GenerationEvent> _byId = new(StringComparer.Ordinal);
    private readonly SemaphoreSlim _wake = new(0);
    private GenerationEvent? _active;
    private double _processSeconds;
    private int _processCount;
    private string _appId = NewAppId();

    /// <summary>Gradio's <c>app_id</c>: a random unsigned 64-bit number, new for every process start.</summary>
    public string AppId
    {
        get
        {
            lock (_gate)
            {
                return _appId;
            }
        }
    }

    /// <summary>Events waiting for the worker (Gradio's <c>len(queue)</c>: the running one does not count).</summary>
    public int WaitingCount
    {
        get
        {
            lock (_gate)
            {
                return _waiting.Count;
            }
        }
    }

    /// <summary>Mean duration of the successful runs so far, Gradio's <c>avg_time</c>; null before the first.</summary>
    public double? AverageProcessSeconds
    {
        get
        {
            lock (_gate)
            {
                return _processCount == 0 ? null : _processSeconds / _processCount;
            }
        }
    }

    /// <summary>Builds an event id the way Gradio does: <c>uuid4().hex</c>.</summary>
    public static string NewEventId() => Guid.NewGuid().ToString("N");

    /// <summary>Queues the event (Gradio's <c>Queue.push</c>); answers the 503 detail when the queue is full.</summary>
    public string? Push(GenerationEvent evt)
    {
        lock (_gate)
        {
            var maxSize = settings.Current.QueueMaxSize;
            if (maxSize is { } max && _waiting.Count >= max)
            {
                return $"Queue is full. Max size is {max} and size is {_waiting.Count}.";
            }

            if (faults.TryConsume(FaultKind.QueueFull) is not null)
            {
                var pretended = maxSize ?? _waiting.Count;
                return $"Queue is full. Max size is {pretended} and size is {_waiting.Count}.";
            }

            EnsureMailboxLocked(evt.SessionHash);
            if (!_pendingEventIds.TryGetValue(evt.SessionHash, out var pending))
            {
                _pendingEventIds[evt.SessionHash] = pending = new HashSet<string>(StringComparer.Ordinal);
            }

            pending.Add(evt.Id);
            RecordLocked(evt);
            _waiting.Add(evt);
            BroadcastEstimationsLocked(after: _waiting.Count - 1);
        }

        logger.LogInformation("Event {EventId} joined the queue by {Route} (session {SessionHash}); {Waiting} waiting",
            evt.Id, evt.Route, evt.SessionHash, WaitingCount);
        _wake.Release();
        return null;
    }

    /// <summary>Records an event that bypasses the queue (the synchronous <c>/run</c> route).</summary>
    public void RecordUnqueued(GenerationEvent evt)
    {
        lock (_gate)
        {
            RecordLocked(evt);
        }
    }

    /// <summary>Waits until the worker slot is free and an event waits, then takes the oldest (FIFO).</summary>
    public async Task<GenerationEvent> TakeNextAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            lock (_gate)
            {
                if (_active is null && _waiting.Count > 0)
                {
                    var next = _waiting[0];
                    _waiting.RemoveAt(0);
                    _active = next;
                    next.MarkRunning(clock.GetUtcNow());
                    BroadcastEstimationsLocked(after: null);
                    return next;
                }
            }

            await _wake.WaitAsync(cancellationToken);
        }
    }

    /// <summary>Frees the worker slot once the event no longer holds the GPU (finished, or cancelled while it runs on).</summary>
    public void Release(GenerationEvent evt)
    {
        lock (_gate)
        {
            if (ReferenceEquals(_active, evt))
            {
                _active = null;
            }
        }

        _wake.Release();
    }

    public void RecordProcessTime(double seconds)
    {
        lock (_gate)
        {
            _processSeconds += seconds;
            _processCount++;
        }
    }

    /// <summary>Gradio's <c>send_message</c>: only to live queued events, into the session's mailbox (a synchronous run has none).</summary>
    public void Send(GenerationEvent evt, QueueMessage message)
    {
        if (!evt.Alive || evt.Route == JobRoute.Run)
        {
            return;
        }

        lock (_gate)
        {
            if (_mailboxes.TryGetValue(evt.SessionHash, out var mailbox))
            {
                mailbox.Post(message);
            }
        }
    }

    public SessionMailbox? Mailbox(string sessionHash)
    {
        lock (_gate)
        {
            return _mailboxes.GetValueOrDefault(sessionHash);
        }
    }

    /// <summary>The stream wrote an event's final message: it is no longer pending. Returns how many remain for the session.</summary>
    public int MarkDelivered(string sessionHash, string eventId)
    {
        lock (_gate)
        {
            if (_byId.TryGetValue(eventId, out var evt))
            {
                evt.Delivered = true;
            }

            if (!_pendingEventIds.TryGetValue(sessionHash, out var pending))
            {
                return 0;
            }

            pending.Remove(eventId);
            return pending.Count;
        }
    }

    /// <summary>
    /// A session's stream closed while events were pending (Gradio's <c>clean_events</c> after a disconnect): its mailbox
    /// goes, its queued events leave the queue, its running event runs on but its result is thrown away.
    /// </summary>
    public void Disconnected(string sessionHash)
    {
        var now = clock.GetUtcNow();
        var removed = new List<GenerationEvent>();
        lock (_gate)
        {
            RemoveMailboxLocked(sessionHash);
            if (_active is { } active && active.SessionHash == sessionHash && active.Alive)
            {
                active.MarkLost(now, "Its result stream closed while it ran: the result was thrown away.", stopWork: false);
                removed.Add(active);
            }

            foreach (var evt in _waiting.Where(evt => evt.SessionHash == sessionHash).ToList())
            {
                _waiting.Remove(evt);
                evt.MarkLost(now, "Its result stream closed while it waited: it left the queue.", stopWork: true);
                removed.Add(evt);
            }

            if (_pendingEventIds.TryGetValue(sessionHash, out var pending))
            {
                // A finished event whose result still waited in the mailbox loses that result with it.
                foreach (var id in pending)
                {
                    if (_byId.TryGetValue(id, out var finished) && finished.FinishedAt is not null && !finished.Delivered)
                    {
                        finished.MarkLost(now, "Its stream closed before its result was read: the result was thrown away.", stopWork: false, evenIfFinished: true);
                        removed.Add(finished);
                    }
                }

                foreach (var evt in removed.Where(evt => evt.StartedAt is null))
                {
                    pending.Remove(evt.Id);
                }

                if (pending.Count == 0)
                {
                    _pendingEventIds.Remove(sessionHash);
                }
            }
        }

        foreach (var evt in removed)
        {
            logger.LogInformation("Event {EventId} lost: the stream of session {SessionHash} closed", evt.Id, sessionHash);
        }
    }

    /// <summary>
    /// <c>POST /cancel</c>: a queued event leaves the queue; a running one frees the slot while its GPU work runs on.
    /// Either way the session's stream gets an empty successful completion, so waiting clients finish.
    /// </summary>
    public void Cancel(string sessionHash, string eventId)
    {
        var now = clock.GetUtcNow();
        GenerationEvent? cancelled = null;
        lock (_gate)
        {
            if (!_byId.TryGetValue(eventId, out var evt) || evt.SessionHash != sessionHash)
            {
                return;
            }

            var pending = _pendingEventIds.TryGetValue(sessionHash, out var ids) && ids.Contains(eventId);
            if (_waiting.Remove(evt) || ReferenceEquals(_active, evt))
            {
                cancelled = evt;
                evt.MarkCancelled(now);
                if (ReferenceEquals(_active, evt))
                {
                    _active = null;
                }
            }

            if (pending && _mailboxes.TryGetValue(sessionHash, out var mailbox))
            {
                mailbox.Post(QueueMessage.ProcessCompleted(eventId, [], success: true, title: null));
            }
        }

        if (cancelled is not null)
        {
            logger.LogInformation("Event {EventId} cancelled", eventId);
            _wake.Release();
        }
    }

    public GenerationEvent? Find(string eventId)
    {
        lock (_gate)
        {
            return _byId.GetValueOrDefault(eventId);
        }
    }

    public IReadOnlyList<GenerationEvent> History()
    {
        lock (_gate)
        {
            return [.. _history];
        }
    }

    public (GenerationEvent? Running, IReadOnlyList<GenerationEvent> Waiting) Snapshot()
    {
        lock (_gate)
        {
            return (_active, [.. _waiting]);
        }
    }

    /// <summary>Forgets everything: jobs stop, streams are cut, mailboxes and history are cleared.</summary>
    public void Reset()
    {
        var now = clock.GetUtcNow();
        List<SessionMailbox> mailboxes;
        List<GenerationEvent> events;
        lock (_gate)
        {
            mailboxes = [.. _mailboxes.Values];
            events = [.. _history];
            _waiting.Clear();
            _active = null;
            _mailboxes.Clear();
            _mailboxOrder.Clear();
            _pendingEventIds.Clear();
            _history.Clear();
            _byId.Clear();
            _processSeconds = 0;
            _processCount = 0;
        }

        foreach (var evt in events)
        {
            evt.MarkLost(now, "The stand-in was reset.", stopWork: true);
        }

        foreach (var mailbox in mailboxes)
        {
            mailbox.RequestCut();
        }

        _wake.Release();
    }

    /// <summary>
    /// The Gradio process restarts: every open stream gets "Server stopped unexpectedly.", every job is lost, the
    /// app gets a new <c>app_id</c>, and the pod boots again for <paramref name="boot"/>.
    /// </summary>
    public void Restart(TimeSpan boot)
    {
        var now = clock.GetUtcNow();
        List<SessionMailbox> mailboxes;
        List<GenerationEvent> live;
        lock (_gate)
        {
            mailboxes = [.. _mailboxes.Values];
            live = [.. _waiting];
            if (_active is not null)
            {
                live.Add(_active);
            }

            _waiting.Clear();
            _active = null;
            _mailboxes.Clear();
            _mailboxOrder.Clear();
            _pendingEventIds.Clear();
            _processSeconds = 0;
            _processCount = 0;
            _appId = NewAppId();
        }

        foreach (var mailbox in mailboxes)
        {
            mailbox.Post(QueueMessage.UnexpectedError("Server stopped unexpectedly.", sessionNotFound: null));
        }

        foreach (var evt in live)
        {
            evt.MarkLost(now, "The server restarted while it was queued or running.", stopWork: true);
        }

        if (boot > TimeSpan.Zero)
        {
            faults.StartBoot(boot);
        }

        logger.LogWarning("Simulated server restart: {Jobs} job(s) lost, {Streams} stream(s) told", live.Count, mailboxes.Count);
        _wake.Release();
    }

    private void EnsureMailboxLocked(string sessionHash)
    {
        if (_mailboxes.ContainsKey(sessionHash))
        {
            return;
        }

        _mailboxes[sessionHash] = new SessionMailbox(sessionHash);
        _mailboxOrder.AddLast(sessionHash);
        while (_mailboxOrder.Count > MailboxCapacity)
        {
            var oldest = _mailboxOrder.First!.Value;
            _mailboxOrder.RemoveFirst();
            _mailboxes.Remove(oldest);
        }
    }

    private void RemoveMailboxLocked(string sessionHash)
    {
        if (_mailboxes.Remove(sessionHash))
        {
            _mailboxOrder.Remove(sessionHash);
        }
    }

    private void RecordLocked(GenerationEvent evt)
    {
        _history.AddLast(evt);
        _byId[evt.Id] = evt;
        while (_history.Count > options.Value.JournalCapacity)
        {
            var oldest = _history.First!.Value;
            _history.RemoveFirst();
            _byId.Remove(oldest.Id);
        }
    }

    /// <summary>Gradio's <c>broadcast_estimations</c>: rank, queue size and an ETA once a run's duration is known.</summary>
    private void BroadcastEstimationsLocked(int? after)
    {
        double? average = _processCount == 0 ? null : _processSeconds / _processCount;
        double? untilWorkerFree = 0;
        if (_active is { StartedAt: { } started })
        {
            untilWorkerFree = average is { } avg
                ? Math.Max((started - clock.GetUtcNow()).TotalSeconds + avg, 0)
                : null;
        }

        double? waitSoFar = 0;
        for (var rank = 0; rank < _waiting.Count; rank++)
        {
            double? rankEta = average is { } avg && waitSoFar is { } wait && untilWorkerFree is { } free ? avg + wait + free : null;
            if (after is null || rank >= after)
            {
                var evt = _waiting[rank];
                if (evt.Alive && _mailboxes.TryGetValue(evt.SessionHash, out var mailbox))
                {
                    mailbox.Post(QueueMessage.Estimation(evt.Id, rank, _waiting.Count, rankEta));
                }
            }

            waitSoFar = average is { } perRun && waitSoFar is { } sofar ? sofar + perRun : null;
        }
    }

    private static string NewAppId()
    {
        Span<byte> bytes = stackalloc byte[8];
        RandomNumberGenerator.Fill(bytes);
        return BitConverter.ToUInt64(bytes).ToString(System.Globalization.CultureInfo.InvariantCulture);
    }
}
