namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// What the stand-in keeps of stored responses, so a follow-up is checked as the real service checks it: the ids (for
/// <c>previous_response_id</c>), each one's previous response, and the <c>call_id</c>s of the function calls in its
/// input and output (a <c>function_call_output</c> must answer one of them somewhere in the chain).
/// Bounded; the oldest responses are forgotten first. Not cleared by the admin reset (ids never repeat).
/// </summary>
public sealed class ResponseStore
{
    private const int Capacity = 10_000;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, StoredResponse> _responses = [];
    private readonly Queue<string> _order = new();

    public void Remember(string id, string? previousResponseId, IEnumerable<string> functionCallIds)
    {
        lock (_gate)
        {
            if (_responses.TryAdd(id, new StoredResponse(previousResponseId, [.. functionCallIds])))
            {
                _order.Enqueue(id);
                if (_order.Count > Capacity)
                {
                    _responses.Remove(_order.Dequeue());
                }
            }
        }
    }

    public bool Knows(string id)
    {
        lock (_gate)
        {
            return _responses.ContainsKey(id);
        }
    }

    /// <summary>Every function call id in the conversation that ends with <paramref name="responseId"/>.</summary>
    public IReadOnlySet<string> FunctionCallIdsUpTo(string? responseId)
    {
        var ids = new HashSet<string>(StringComparer.Ordinal);
        lock (_gate)
        {
            var visited = new HashSet<string>(StringComparer.Ordinal);
            while (responseId is not null && visited.Add(responseId) && _responses.TryGetValue(responseId, out var stored))
            {
                ids.UnionWith(stored.FunctionCallIds);
                responseId = stored.PreviousResponseId;
            }
        }

        return ids;
    }

    private sealed record StoredResponse(string? PreviousResponseId, IReadOnlyList<string> FunctionCallIds);
}
