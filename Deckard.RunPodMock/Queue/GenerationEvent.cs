using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Queue;

/// <summary>How the job reached the app: <c>/call</c>, the queue protocol (<c>queue/join</c>) or a synchronous <c>/run</c>.</summary>
public enum JobRoute
{
    Call,
    Queue,
    Run,
}

public enum JobState
{
    Queued,
    Running,
    Completed,
    Failed,
    Cancelled,

    /// <summary>Removed from the queue or its result thrown away because its stream closed (or the server restarted).</summary>
    Lost,
}

/// <summary>One submitted <c>generate</c> call (Gradio's <c>Event</c>), with what the admin API reports about it.</summary>
public sealed class GenerationEvent
{
    private readonly Lock _gate = new();
    private readonly TaskCompletionSource _slotReleased = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource<QueueMessage> _finished = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CancellationTokenSource _abort = new();
    private volatile bool _alive = true;

    public GenerationEvent(string id, string sessionHash, JobRoute route, JsonArray data, string root, bool clientSentSessionHash, DateTimeOffset submittedAt)
    {
        Id = id;
        SessionHash = sessionHash;
        Route = route;
        Data = data;
        Root = root;
        ClientSentSessionHash = clientSentSessionHash;
        SubmittedAt = submittedAt;
    }

    public string Id { get; }

    public string SessionHash { get; }

    public JobRoute Route { get; }

    public JsonArray Data { get; }

    /// <summary>The URL root of the submitting request (proxy headers honoured): output file URLs start with it.</summary>
    public string Root { get; }

    public bool ClientSentSessionHash { get; }

    public DateTimeOffset SubmittedAt { get; }

    /// <summary>False once the client went away (or cancelled): messages are no longer delivered, the result is thrown away.</summary>
    public bool Alive => _alive;

    public CancellationToken Aborted => _abort.Token;

    /// <summary>Completes when the GPU slot is free again: after the run, or at once when the run is cancelled.</summary>
    public Task SlotReleased => _slotReleased.Task;

    /// <summary>The run's final message (success or failure), for the synchronous route.</summary>
    public Task<QueueMessage> Finished => _finished.Task;

    public JobState State { get; private set; } = JobState.Queued;

    public DateTimeOffset? StartedAt { get; private set; }

    public DateTimeOffset? FinishedAt { get; private set; }

    public string? Error { get; private set; }

    public bool? ErrorVisible { get; private set; }

    public JsonObject? Render { get; set; }

    public string? OutputPath { get; set; }

    public long? OutputBytes { get; set; }

    public bool Delivered { get; set; }

    public void MarkNotAlive() => _alive = false;

    public void MarkRunning(DateTimeOffset at)
    {
        lock (_gate)
        {
            State = JobState.Running;
            StartedAt = at;
        }
    }

    /// <summary>Records the end; a job whose client left is reported lost whatever the run did.</summary>
    public void MarkFinished(DateTimeOffset at, QueueMessage final, string? error, bool? errorVisible)
    {
        lock (_gate)
        {
            if (State is JobState.Cancelled or JobState.Lost)
            {
                FinishedAt ??= at;
            }
            else
            {
                State = !Alive ? JobState.Lost : final.Success ? JobState.Completed : JobState.Failed;
                FinishedAt = at;
                Error = error;
                ErrorVisible = errorVisible;
            }
        }

        _finished.TrySetResult(final);
        _slotReleased.TrySetResult();
    }

    public void MarkCancelled(DateTimeOffset at)
    {
        lock (_gate)
        {
            _alive = false;
            State = JobState.Cancelled;
            FinishedAt = at;
        }

        _slotReleased.TrySetResult();
    }

    /// <summary>
    /// The job ends without a result reaching its client: removed from the queue, dropped with its stream (even after
    /// it finished, while its result still waited to be read), or killed by a restart or reset.
    /// </summary>
    public void MarkLost(DateTimeOffset at, string reason, bool stopWork, bool evenIfFinished = false)
    {
        lock (_gate)
        {
            _alive = false;
            if (State is JobState.Queued or JobState.Running
                || (evenIfFinished && !Delivered && State is JobState.Completed or JobState.Failed))
            {
                State = JobState.Lost;
                Error = reason;
                if (stopWork || StartedAt is null)
                {
                    FinishedAt = at;
                }
            }
        }

        if (stopWork)
        {
            Abort();
            _slotReleased.TrySetResult();
        }
    }

    public void Abort()
    {
        try
        {
            _abort.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public JsonObject Snapshot()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["event_id"] = Id,
                ["session_hash"] = SessionHash,
                ["route"] = Route.ToString().ToLowerInvariant(),
                ["state"] = State.ToString().ToLowerInvariant(),
                ["client_sent_session_hash"] = ClientSentSessionHash,
                ["submitted_at"] = SubmittedAt,
                ["started_at"] = StartedAt,
                ["finished_at"] = FinishedAt,
                ["error"] = Error,
                ["error_visible"] = ErrorVisible,
                ["delivered"] = Delivered,
                ["inputs"] = InputSummary.Describe(Data),
                ["render"] = Render?.DeepClone(),
                ["output_path"] = OutputPath,
                ["output_bytes"] = OutputBytes,
            };
        }
    }
}
