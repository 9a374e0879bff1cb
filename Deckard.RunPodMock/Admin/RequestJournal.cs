using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Proxy;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Admin;

/// <summary>The requests received on the Gradio surface, oldest first, bounded by <see cref="RunPodMockOptions.JournalCapacity"/>.</summary>
public sealed class RequestJournal(IOptions<RunPodMockOptions> options, TimeProvider clock)
{
    private readonly Lock _gate = new();
    private readonly LinkedList<ReceivedRequest> _entries = new();
    private long _sequence;

    public ReceivedRequest Open(HttpRequest request)
    {
        lock (_gate)
        {
            var entry = new ReceivedRequest(++_sequence, clock.GetUtcNow(), request.Method, request.Path.Value ?? "",
                request.QueryString.Value ?? "", request.ContentType, request.ContentLength, request.Headers.Range.ToString() is { Length: > 0 } range ? range : null);
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

/// <summary>Journals every request meant for the pod (everything but the admin API and health probes), before the proxy.</summary>
public sealed class RequestJournalMiddleware(RequestDelegate next, RequestJournal journal, TimeProvider clock)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!RunPodProxyMiddleware.IsBehindProxy(context.Request.Path))
        {
            await next(context);
            return;
        }

        var entry = journal.Open(context.Request);
        var started = clock.GetTimestamp();
        // Recorded when the headers go out, so a client that has its answer always finds the status in the journal.
        context.Response.OnStarting(() =>
        {
            entry.SetStatus(context.Response.StatusCode);
            return Task.CompletedTask;
        });
        try
        {
            await next(context);
        }
        finally
        {
            entry.SetStatus(context.Response.StatusCode);
            entry.Complete(clock.GetElapsedTime(started).TotalMilliseconds, context.RequestAborted.IsCancellationRequested);
        }
    }
}
