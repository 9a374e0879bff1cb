namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// The ids of stored responses, so <c>previous_response_id</c> is checked as the real service does.
/// Bounded; the oldest ids are forgotten first. Not cleared by the admin reset (ids never repeat).
/// </summary>
public sealed class ResponseStore
{
    private const int Capacity = 10_000;
    private readonly Lock _gate = new();
    private readonly HashSet<string> _ids = [];
    private readonly Queue<string> _order = new();

    public void Remember(string id)
    {
        lock (_gate)
        {
            if (_ids.Add(id))
            {
                _order.Enqueue(id);
                if (_order.Count > Capacity)
                {
                    _ids.Remove(_order.Dequeue());
                }
            }
        }
    }

    public bool Knows(string id)
    {
        lock (_gate)
        {
            return _ids.Contains(id);
        }
    }
}
