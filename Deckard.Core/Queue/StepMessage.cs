using StackExchange.Redis;

namespace Deckard.Core.Queue;

/// <summary>
/// One stream entry: which step of which session to run (and which instance of it, when a session runs the step more
/// than once, e.g. <c>turn-3</c>), and the W3C trace context it belongs to.
/// </summary>
public sealed record StepMessage(Guid SessionId, string Step, string? TraceParent, long OutboxId, string Instance = "")
{
    public NameValueEntry[] ToEntries() =>
    [
        new("session", SessionId.ToString("N")),
        new("step", Step),
        new("instance", Instance),
        new("traceparent", TraceParent ?? ""),
        new("outbox", OutboxId),
    ];

    public static StepMessage? FromEntries(NameValueEntry[] entries)
    {
        string? Field(string name) => entries.FirstOrDefault(entry => entry.Name == name).Value;
        var traceParent = Field("traceparent");
        return Guid.TryParseExact(Field("session"), "N", out var session) && Field("step") is { Length: > 0 } step
            ? new StepMessage(session, step, string.IsNullOrEmpty(traceParent) ? null : traceParent,
                long.TryParse(Field("outbox"), out var outbox) ? outbox : 0, Field("instance") ?? "")
            : null;
    }
}
