using System.Diagnostics;

namespace Deckard.Core.Telemetry;

/// <summary>Deckard's activity sources; the service defaults subscribe to every <c>Deckard.*</c> name.</summary>
public static class DeckardTelemetry
{
    public static readonly ActivitySource Queue = new("Deckard.Queue");
    public static readonly ActivitySource Steps = new("Deckard.Steps");
    public static readonly ActivitySource GenAI = new("Deckard.GenAI");

    /// <summary>The current trace as a W3C <c>traceparent</c>, to store with work that continues elsewhere.</summary>
    public static string? CurrentTraceParent() => Activity.Current?.Id is { } id && Activity.Current.IdFormat == ActivityIdFormat.W3C ? id : null;

    public static ActivityContext ParentFrom(string? traceParent) =>
        traceParent is not null && ActivityContext.TryParse(traceParent, null, out var context) ? context : default;
}
