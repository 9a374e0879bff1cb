using System.Diagnostics.Metrics;
using Deckard.Core.Steps;
using Deckard.Core.Telemetry;

namespace Deckard.UnitTests.Telemetry;

/// <summary>What the dashboard's metrics page shows comes from these instruments, with these tags.</summary>
public sealed class DeckardMetricsTests : IDisposable
{
    private readonly MeterListener _listener = new();
    private readonly List<(string Instrument, double Value, Dictionary<string, object?> Tags)> _measurements = [];
    private readonly Dictionary<string, Instrument> _instruments = [];

    public DeckardMetricsTests()
    {
        _listener.InstrumentPublished = (instrument, listener) =>
        {
            if (instrument.Meter.Name == DeckardMetrics.MeterName)
            {
                lock (_instruments)
                {
                    _instruments[instrument.Name] = instrument;
                }

                listener.EnableMeasurementEvents(instrument);
            }
        };
        _listener.SetMeasurementEventCallback<double>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.SetMeasurementEventCallback<long>((instrument, value, tags, _) => Record(instrument, value, tags));
        _listener.Start();
    }

    public void Dispose() => _listener.Dispose();

    [Fact]
    public void A_step_run_is_measured_by_step_and_outcome_in_seconds()
    {
        DeckardMetrics.RecordStep("classify-test", "retrying", TimeSpan.FromMilliseconds(1500));

        var measurement = Assert.Single(_measurements, m => m.Instrument == "deckard.step.duration" && Equals(m.Tags["deckard.step"], "classify-test"));
        Assert.Equal(1.5, measurement.Value);
        Assert.Equal("retrying", measurement.Tags["deckard.step.outcome"]);
    }

    [Fact]
    public void Durations_have_buckets_fine_enough_for_a_routing_call_and_wide_enough_for_a_render()
    {
        DeckardMetrics.RecordStep("bucket-test", "completed", TimeSpan.FromMilliseconds(20));

        var boundaries = ((Histogram<double>)_instruments["deckard.step.duration"]).Advice!.HistogramBucketBoundaries!;
        Assert.Contains(0.01, boundaries);
        Assert.Contains(0.05, boundaries);
        Assert.Equal(600, boundaries[^1]);
    }

    [Fact]
    public void Tokens_are_recorded_per_model_as_input_and_output_with_the_genai_convention()
    {
        DeckardMetrics.RecordTokens("chat", new ModelUsage("gpt-test-model", 120, 30, 150));

        var tokens = _measurements.Where(m => m.Instrument == "gen_ai.client.token.usage" && Equals(m.Tags["gen_ai.request.model"], "gpt-test-model")).ToList();
        Assert.Equal([("input", 120.0), ("output", 30.0)], tokens.Select(m => ((string)m.Tags["gen_ai.token.type"]!, m.Value)).Order());
        Assert.All(tokens, m => Assert.Equal("chat", m.Tags["gen_ai.operation.name"]));
    }

    [Fact]
    public void A_render_records_its_gpu_time_and_how_late_the_estimate_was()
    {
        DeckardMetrics.RecordRender(TimeSpan.FromSeconds(42.5), estimate: TimeSpan.FromSeconds(50), actual: TimeSpan.FromSeconds(57));

        Assert.Contains(_measurements, m => m.Instrument == "deckard.lipsync.render.duration" && m.Value == 42.5);
        var error = Assert.Single(_measurements, m => m.Instrument == "deckard.lipsync.eta.error" && m.Value == 7);
        Assert.Equal("late", error.Tags["deckard.eta.direction"]);
    }

    [Fact]
    public void The_queue_gauges_report_the_samplers_last_reading()
    {
        DeckardMetrics.ObserveQueue(() => new QueueReading(
            [new StreamReading("test:steps", 12), new StreamReading("test:steps:dead", 1)],
            [new ConsumerGroupReading("test:steps", "test-workers", Pending: 3, Lag: 5)]));

        _listener.RecordObservableInstruments();

        Assert.Contains(_measurements, m => m.Instrument == "deckard.stream.length" && Equals(m.Tags["messaging.destination.name"], "test:steps") && m.Value == 12);
        Assert.Contains(_measurements, m => m.Instrument == "deckard.stream.pending" && Equals(m.Tags["messaging.consumer.group.name"], "test-workers") && m.Value == 3);
        Assert.Contains(_measurements, m => m.Instrument == "deckard.stream.lag" && m.Value == 5);
        DeckardMetrics.ObserveQueue(() => null);
    }

    [Fact]
    public void An_open_event_stream_is_counted_until_it_closes_once()
    {
        var stream = DeckardMetrics.TrackEventStream();
        stream.Dispose();
        stream.Dispose();

        Assert.Equal([1.0, -1.0], _measurements.Where(m => m.Instrument == "deckard.sse.streams").Select(m => m.Value));
    }

    [Fact]
    public void A_conversation_socket_is_counted_until_it_closes_and_each_turn_records_its_audio_and_barge_in()
    {
        var conversation = DeckardMetrics.TrackConversation();
        DeckardMetrics.RecordTurn(TimeSpan.FromMilliseconds(1200), interrupted: true);
        conversation.Dispose();
        conversation.Dispose();

        Assert.Equal([1.0, -1.0], _measurements.Where(m => m.Instrument == "deckard.conversations.open").Select(m => m.Value));
        var turn = Assert.Single(_measurements, m => m.Instrument == "deckard.conversation.turns");
        Assert.Equal(true, turn.Tags["deckard.turn.interrupted"]);
        Assert.Equal(1.2, Assert.Single(_measurements, m => m.Instrument == "deckard.conversation.reply.duration").Value, 3);
    }

    private void Record<T>(Instrument instrument, T value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
        where T : struct
    {
        var copy = new Dictionary<string, object?>();
        foreach (var tag in tags)
        {
            copy[tag.Key] = tag.Value;
        }

        lock (_measurements)
        {
            _measurements.Add((instrument.Name, Convert.ToDouble(value, System.Globalization.CultureInfo.InvariantCulture), copy));
        }
    }
}
