using Deckard.Api.Events;
using Deckard.Core.Events;
using Microsoft.Extensions.Logging.Abstractions;
using Npgsql;

namespace Deckard.UnitTests.Events;

/// <summary>
/// Small events travel whole in their notification and reach the SSE streams without a read; anything that does not
/// follow on (a gap, a large event's "look" notification, a reconnection) sends the stream back to the table.
/// </summary>
public sealed class EventPushTests : IDisposable
{
    private readonly NpgsqlDataSource _unused = NpgsqlDataSource.Create("Host=unused");
    private readonly SessionEventHub _hub;
    private readonly Guid _session = Guid.NewGuid();

    public EventPushTests() => _hub = new SessionEventHub(_unused, NullLogger<SessionEventHub>.Instance);

    [Fact]
    public void A_whole_notification_is_parsed_into_its_event()
    {
        var ok = EventNotification.TryParse(Payload(7, "intent.classified", """{"intent":"search","source":"router"}"""), out var session, out var parsed);

        Assert.True(ok);
        Assert.Equal(_session, session);
        Assert.NotNull(parsed);
        Assert.Equal((7L, "intent.classified", "search"), (parsed.Seq, parsed.Type, parsed.Data.GetProperty("intent").GetString()));
        Assert.Equal(new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero).AddTicks(10), parsed.CreatedAt); // one microsecond
    }

    [Fact]
    public void The_payload_sql_sends_an_event_whole_up_to_the_documented_size_and_under_postgres_cap()
    {
        // PostgreSQL refuses a payload of 8,000 bytes or more; the whole form adds a session id, seq, type and time.
        Assert.Contains($"octet_length(inserted.data::text) <= {EventNotification.MaximumDataBytes}\n", EventNotification.PayloadSql, StringComparison.Ordinal);
        Assert.True(EventNotification.MaximumDataBytes + 32 + 20 + 64 + 20 + 4 < 8000);
    }

    [Fact]
    public void A_short_notification_names_only_its_session()
    {
        Assert.True(EventNotification.TryParse(_session.ToString("N"), out var session, out var parsed));
        Assert.Equal(_session, session);
        Assert.Null(parsed);
        Assert.False(EventNotification.TryParse("not a session", out _, out _));
    }

    [Fact]
    public async Task Events_that_follow_on_are_handed_over_without_a_read()
    {
        using var subscription = _hub.Subscribe(_session);

        _hub.Dispatch(Payload(3, "step.started", """{"step":"classify","attempt":1}"""));
        _hub.Dispatch(Payload(4, "intent.classified", """{"intent":"search"}"""));

        Assert.True(await subscription.WaitAsync(TimeSpan.FromSeconds(1), CancellationToken.None));
        var following = subscription.TakeFollowing(lastSeen: 2);
        Assert.NotNull(following);
        Assert.Equal([3L, 4L], following.Select(e => e.Seq));
        Assert.Empty(subscription.TakeFollowing(lastSeen: 4)!);
    }

    [Fact]
    public void Events_already_sent_by_a_read_are_skipped()
    {
        using var subscription = _hub.Subscribe(_session);
        _hub.Dispatch(Payload(3, "step.started", "{}"));
        _hub.Dispatch(Payload(4, "step.completed", "{}"));
        _hub.Dispatch(Payload(5, "session.completed", "{}"));

        Assert.Equal([5L], subscription.TakeFollowing(lastSeen: 4)!.Select(e => e.Seq));
    }

    [Fact]
    public void A_gap_a_large_event_or_a_reconnection_means_reading_the_table()
    {
        using var gap = _hub.Subscribe(_session);
        _hub.Dispatch(Payload(6, "step.completed", "{}"));
        Assert.Null(gap.TakeFollowing(lastSeen: 4)); // 5 never arrived whole

        using var large = _hub.Subscribe(_session);
        _hub.Dispatch(_session.ToString("N"));
        Assert.Null(large.TakeFollowing(lastSeen: 6));
        Assert.NotNull(large.TakeFollowing(lastSeen: 6)); // told once
    }

    [Fact]
    public void Another_sessions_events_are_not_handed_over()
    {
        using var subscription = _hub.Subscribe(_session);

        _hub.Dispatch($"{Guid.NewGuid():N} 1 session.created 0 {{}}");

        Assert.Empty(subscription.TakeFollowing(lastSeen: 0)!);
    }

    public void Dispose() => _unused.Dispose();

    private string Payload(long seq, string type, string data)
    {
        var microseconds = (new DateTimeOffset(2026, 12, 6, 12, 0, 0, TimeSpan.Zero) - DateTimeOffset.UnixEpoch).Ticks / 10 + 1;
        return $"{_session:N} {seq} {type} {microseconds} {data}";
    }
}
