using System.Text.Json;

namespace Deckard.Core.Events;

/// <summary>One event of a session: <see cref="Seq"/> is the per-session sequence (the SSE <c>id:</c>).</summary>
public sealed record SessionEvent(long Seq, string Type, JsonElement Data, DateTimeOffset CreatedAt);
