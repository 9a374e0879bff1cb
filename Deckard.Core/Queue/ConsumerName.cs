namespace Deckard.Core.Queue;

/// <summary>This process's consumer name in the group: stable across its restarts, so it finds its own pending messages.</summary>
public sealed record ConsumerName(string Value);
