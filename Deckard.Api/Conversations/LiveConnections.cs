using System.Collections.Concurrent;

namespace Deckard.Api.Conversations;

/// <summary>The conversations this Api process has a browser socket open for: one socket per conversation.</summary>
public sealed class LiveConnections
{
    private readonly ConcurrentDictionary<Guid, byte> _open = new();

    public bool TryOpen(Guid sessionId) => _open.TryAdd(sessionId, 0);

    public void Close(Guid sessionId) => _open.TryRemove(sessionId, out _);

    public bool IsOpen(Guid sessionId) => _open.ContainsKey(sessionId);
}
