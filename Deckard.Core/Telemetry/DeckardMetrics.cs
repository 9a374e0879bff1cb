using System.Diagnostics;
using System.Diagnostics.Metrics;
using Deckard.Core.Steps;

namespace Deckard.Core.Telemetry;

/// <summary>
/// Deckard's own metrics, one meter named <c>Deckard</c> (the service defaults export it): what an operator asks of
/// the queue, the steps, the sessions, the models, the GPU renders and the live streams.
/// </summary>
public static class DeckardMetrics
{
    public const string MeterName = "Deckard";

    private static readonly Meter Meter = new(MeterName);

    private static Func<QueueReading?> _queueReading = () => null;

    /// <summary>
    /// Bucket boundaries in seconds: from a few milliseconds (a routing call) to minutes (a render). OpenTelemetry's
    /// default ones (0, 5, 10, 25 ...) put every step under 5 s in one bucket, and every percentile at 5 s.
    /// </summary>
    private static readonly InstrumentAdvice<double> Seconds = new()
    {
        HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 30, 60, 120, 300, 600],
    };

    /// <summary>The GenAI semantic convention's boundaries for token counts.</summary>
    private static readonly InstrumentAdvice<long> Tokens = new()
    {
        HistogramBucketBoundaries = [1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576],
    };

    private static readonly Histogram<double> StepDuration = Meter.CreateHistogram(
        "deckard.step.duration", "s", "How long one run of a step took, by step and outcome (completed, retrying, failed, overtaken).", advice: Seconds);

    private static readonly Counter<long> StepRetries = Meter.CreateCounter<long>(
        "deckard.step.retries", "{retry}", "Runs of a step that failed transiently and were scheduled again.");

    private static readonly Counter<long> DeadLetters = Meter.CreateCounter<long>(
        "deckard.step.dead_letters", "{message}", "Step messages copied to the dead-letter stream after their session failed.");

    private static readonly Counter<long> SessionsEnded = Meter.CreateCounter<long>(
        "deckard.sessions.ended", "{session}", "Sessions that reached a final status (completed, failed, cancelled).");

    /// <summary>The OpenTelemetry GenAI convention's metric: tokens per call, by model and token type.</summary>
    private static readonly Histogram<long> TokenUsage = Meter.CreateHistogram(
        "gen_ai.client.token.usage", "{token}", "Tokens used per model call, by model and type (input, output).", advice: Tokens);

    private static readonly Histogram<double> RenderDuration = Meter.CreateHistogram(
        "deckard.lipsync.render.duration", "s", "GPU time of one StableAvatar job: from its submission to its result.", advice: Seconds);

    private static readonly Histogram<double> EtaError = Meter.CreateHistogram(
        "deckard.lipsync.eta.error", "s", "How far the render estimate was from the render's real length, early or late.", advice: Seconds);

    private static readonly ObservableGauge<long> StreamLength = Meter.CreateObservableGauge("deckard.stream.length",
        () => Measure(reading => reading.Streams.Select(stream =>
            new Measurement<long>(stream.Length, new KeyValuePair<string, object?>("messaging.destination.name", stream.Name)))),
        "{message}", "Entries in a Redis stream (the step stream and its dead letters).");

    private static readonly ObservableGauge<long> StreamPending = Meter.CreateObservableGauge("deckard.stream.pending",
        () => Measure(reading => reading.Groups.Select(group => new Measurement<long>(group.Pending,
            new("messaging.destination.name", group.Stream), new("messaging.consumer.group.name", group.Group)))),
        "{message}", "Messages a consumer group has read but not yet acknowledged.");

    private static readonly ObservableGauge<long> StreamLag = Meter.CreateObservableGauge("deckard.stream.lag",
        () => Measure(reading => reading.Groups.Where(group => group.Lag is not null).Select(group => new Measurement<long>(group.Lag!.Value,
            new("messaging.destination.name", group.Stream), new("messaging.consumer.group.name", group.Group)))),
        "{message}", "Entries no consumer of the group has read yet.");

    private static readonly UpDownCounter<long> OpenEventStreams = Meter.CreateUpDownCounter<long>(
        "deckard.sse.streams", "{stream}", "Server-Sent Event streams open on this Api instance.");

    private static readonly UpDownCounter<long> OpenConversations = Meter.CreateUpDownCounter<long>(
        "deckard.conversations.open", "{conversation}", "Live conversations with a browser socket open on this Api instance.");

    private static readonly Counter<long> ConversationTurns = Meter.CreateCounter<long>(
        "deckard.conversation.turns", "{turn}", "Assistant replies captured and stored, by whether the person spoke over them.");

    private static readonly Histogram<double> ReplyAudio = Meter.CreateHistogram<double>(
        "deckard.conversation.reply.duration", "s", "Seconds of assistant audio captured per reply (after a barge-in, what was heard).");

    public static void RecordStep(string step, string outcome, TimeSpan elapsed) =>
        StepDuration.Record(elapsed.TotalSeconds, new("deckard.step", step), new("deckard.step.outcome", outcome));

    public static void RecordRetry(string step, string reason) =>
        StepRetries.Add(1, new("deckard.step", step), new("error.type", reason));

    public static void RecordDeadLetter(string step) => DeadLetters.Add(1, new KeyValuePair<string, object?>("deckard.step", step));

    public static void RecordSessionEnded(string status) =>
        SessionsEnded.Add(1, new KeyValuePair<string, object?>("deckard.session.status", status));

    public static void RecordTokens(string operation, ModelUsage usage)
    {
        if (usage.InputTokens is { } input)
        {
            TokenUsage.Record(input, Tags(operation, usage.Model, "input"));
        }

        if (usage.OutputTokens is { } output)
        {
            TokenUsage.Record(output, Tags(operation, usage.Model, "output"));
        }
    }

    public static void RecordRender(TimeSpan gpuTime, TimeSpan? estimate, TimeSpan actual)
    {
        RenderDuration.Record(gpuTime.TotalSeconds);
        if (estimate is { } estimated)
        {
            var error = (actual - estimated).TotalSeconds;
            EtaError.Record(Math.Abs(error), new KeyValuePair<string, object?>("deckard.eta.direction", error > 0 ? "late" : "early"));
        }
    }

    /// <summary>Counts an open SSE stream until the returned value is disposed.</summary>
    public static IDisposable TrackEventStream()
    {
        OpenEventStreams.Add(1);
        return new CountedScope(OpenEventStreams);
    }

    /// <summary>Counts a conversation's open socket until the returned value is disposed.</summary>
    public static IDisposable TrackConversation()
    {
        OpenConversations.Add(1);
        return new CountedScope(OpenConversations);
    }

    public static void RecordTurn(TimeSpan audio, bool interrupted)
    {
        ConversationTurns.Add(1, new KeyValuePair<string, object?>("deckard.turn.interrupted", interrupted));
        ReplyAudio.Record(audio.TotalSeconds);
    }

    /// <summary>Where the <c>deckard.stream.*</c> gauges read from: a sampler's last reading, so an export never waits on Redis.</summary>
    public static void ObserveQueue(Func<QueueReading?> latest) => _queueReading = latest;

    private static IEnumerable<Measurement<long>> Measure(Func<QueueReading, IEnumerable<Measurement<long>>> select) =>
        _queueReading() is { } reading ? select(reading) : [];

    private static TagList Tags(string operation, string model, string tokenType) => new()
    {
        { "gen_ai.operation.name", operation },
        { "gen_ai.provider.name", "openai" },
        { "gen_ai.request.model", model },
        { "gen_ai.token.type", tokenType },
    };

    /// <summary>Takes one back off an up-down counter, once, when disposed.</summary>
    private sealed class CountedScope(UpDownCounter<long> counter) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
            {
                counter.Add(-1);
            }
        }
    }
}

/// <summary>One look at the queue: each stream's length and each consumer group's pending and unread counts.</summary>
public sealed record QueueReading(IReadOnlyList<StreamReading> Streams, IReadOnlyList<ConsumerGroupReading> Groups);

public sealed record StreamReading(string Name, long Length);

public sealed record ConsumerGroupReading(string Stream, string Group, long Pending, long? Lag);
