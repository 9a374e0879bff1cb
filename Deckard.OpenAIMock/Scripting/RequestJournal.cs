using Deckard.OpenAIMock.Configuration;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Scripting;

/// <summary>The calls received on <c>/v1</c>, oldest first, bounded by <see cref="OpenAIMockOptions.JournalCapacity"/>.</summary>
public sealed class RequestJournal(IOptions<OpenAIMockOptions> options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ReceivedRequest> _entries = new();
    private long _sequence;

    public ReceivedRequest Open(string method, string path)
    {
        lock (_gate)
        {
            var entry = new ReceivedRequest(++_sequence, clock.GetUtcNow(), method, path);
            _entries.AddLast(entry);
            while (_entries.Count > options.Value.JournalCapacity)
            {
                _entries.RemoveFirst();
            }

            return entry;
        }
    }

    public IReadOnlyList<ReceivedRequest> Entries()
    {
        lock (_gate)
        {
            return [.. _entries];
        }
    }

    public void Reset()
    {
        lock (_gate)
        {
            _entries.Clear();
        }
    }
}
