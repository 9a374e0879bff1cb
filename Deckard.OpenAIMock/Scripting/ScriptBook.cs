using Deckard.OpenAIMock.Configuration;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Scripting;

/// <summary>The queued scripted steps per endpoint and the standing latency; consumed by the <c>/v1</c> handlers.</summary>
public sealed class ScriptBook(IOptions<OpenAIMockOptions> options)
{
    private readonly Lock _gate = new();
    private readonly Dictionary<MockEndpoint, LinkedList<QueuedStep>> _queues = [];
    private int? _standingLatencyMs;

    public int StandingLatencyMs
    {
        get
        {
            lock (_gate)
            {
                return _standingLatencyMs ?? options.Value.DefaultLatencyMs;
            }
        }
    }

    public void SetStandingLatency(int milliseconds)
    {
        lock (_gate)
        {
            _standingLatencyMs = milliseconds;
        }
    }

    public void Enqueue(MockEndpoint endpoint, ScriptStep step)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(endpoint, out var queue))
            {
                queue = new LinkedList<QueuedStep>();
                _queues[endpoint] = queue;
            }

            queue.AddLast(new QueuedStep(step, step.Times));
        }
    }

    /// <summary>The step that answers this call, or null when the default rules answer it.</summary>
    public ScriptStep? TakeNext(MockEndpoint endpoint)
    {
        lock (_gate)
        {
            if (!_queues.TryGetValue(endpoint, out var queue) || queue.First is not { } first)
            {
                return null;
            }

            first.Value.Remaining--;
            if (first.Value.Remaining <= 0)
            {
                queue.RemoveFirst();
            }

            return first.Value.Step;
        }
    }

    public IReadOnlyDictionary<string, IReadOnlyList<PendingStep>> Pending()
    {
        lock (_gate)
        {
            return _queues
                .Where(pair => pair.Value.Count > 0)
                .ToDictionary(
                    pair => pair.Key.ToName(),
                    pair => (IReadOnlyList<PendingStep>)pair.Value.Select(queued => new PendingStep(queued.Remaining, queued.Step)).ToList());
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _queues.Clear();
            _standingLatencyMs = null;
        }
    }

    private sealed class QueuedStep(ScriptStep step, int remaining)
    {
        public ScriptStep Step { get; } = step;

        public int Remaining { get; set; } = remaining;
    }
}

public sealed record PendingStep(int RemainingCalls, ScriptStep Step);
