using Deckard.Core.StableAvatar;
using Microsoft.Extensions.Time.Testing;

namespace Deckard.UnitTests.StableAvatar;

public sealed class CircuitBreakerTests
{
    private static readonly TimeSpan OpenFor = TimeSpan.FromSeconds(60);
    private readonly FakeTimeProvider _time = new(new DateTimeOffset(2026, 12, 3, 12, 0, 0, TimeSpan.Zero));

    [Fact]
    public void Outages_below_the_threshold_leave_the_circuit_closed()
    {
        var circuit = Circuit();
        Fail(circuit);
        Fail(circuit);

        Assert.True(circuit.TryEnter(out var permit, out _));
        permit.Dispose();
    }

    [Fact]
    public void The_threshold_of_outages_in_a_row_opens_it_for_the_whole_open_period()
    {
        var circuit = OpenedCircuit();

        Assert.False(circuit.TryEnter(out _, out var retryAt));
        Assert.Equal(_time.GetUtcNow() + OpenFor, retryAt);
        _time.Advance(OpenFor - TimeSpan.FromMilliseconds(1));
        Assert.False(circuit.TryEnter(out _, out _));
    }

    [Fact]
    public void After_the_open_period_exactly_one_render_probes_while_the_others_keep_failing_fast()
    {
        var circuit = OpenedCircuit();
        _time.Advance(OpenFor);

        Assert.True(circuit.TryEnter(out var probe, out _));
        Assert.True(probe.IsProbe);
        for (var waiting = 0; waiting < 5; waiting++)
        {
            Assert.False(circuit.TryEnter(out _, out var retryAt));
            Assert.Null(retryAt);
        }

        probe.Succeeded();
        Assert.False(circuit.IsOpen);
        Assert.True(circuit.TryEnter(out var next, out _));
        Assert.False(next.IsProbe);
    }

    [Fact]
    public void A_failed_probe_opens_the_circuit_for_another_full_period()
    {
        var circuit = OpenedCircuit();
        _time.Advance(OpenFor);
        Assert.True(circuit.TryEnter(out var probe, out _));

        probe.Failed();

        Assert.False(circuit.TryEnter(out _, out var retryAt));
        Assert.Equal(_time.GetUtcNow() + OpenFor, retryAt);
        _time.Advance(OpenFor);
        Assert.True(circuit.TryEnter(out var secondProbe, out _));
        Assert.True(secondProbe.IsProbe);
    }

    [Fact]
    public void A_probe_that_never_finishes_lets_the_next_render_probe_instead()
    {
        var circuit = OpenedCircuit();
        _time.Advance(OpenFor);
        Assert.True(circuit.TryEnter(out var cancelled, out _));

        cancelled.Dispose();

        Assert.True(circuit.TryEnter(out var next, out _));
        Assert.True(next.IsProbe);
    }

    [Fact]
    public void A_success_between_outages_starts_the_count_again()
    {
        var circuit = Circuit();
        Fail(circuit);
        Fail(circuit);
        Assert.True(circuit.TryEnter(out var permit, out _));
        permit.Succeeded();
        Fail(circuit);
        Fail(circuit);

        Assert.False(circuit.IsOpen);
    }

    private CircuitBreaker Circuit() => new(3, OpenFor, _time);

    private CircuitBreaker OpenedCircuit()
    {
        var circuit = Circuit();
        for (var outage = 0; outage < 3; outage++)
        {
            Fail(circuit);
        }

        Assert.True(circuit.IsOpen);
        return circuit;
    }

    private static void Fail(CircuitBreaker circuit)
    {
        Assert.True(circuit.TryEnter(out var permit, out _));
        permit.Failed();
    }
}
