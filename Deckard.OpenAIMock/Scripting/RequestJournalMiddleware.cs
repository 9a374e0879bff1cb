namespace Deckard.OpenAIMock.Scripting;

/// <summary>Opens a journal entry for every <c>/v1</c> call, before authentication, so rejected calls show too.</summary>
public sealed class RequestJournalMiddleware(RequestDelegate next, RequestJournal journal)
{
    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            return next(context);
        }

        var entry = journal.Open(context.Request.Method, context.Request.Path.Value ?? "");
        context.Features.Set(entry);
        // Recorded when the headers go out, so a client that has its answer always finds the status in the journal.
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        context.Response.OnStarting(() =>
        {
            entry.SetStatus(context.Response.StatusCode);
            return Task.CompletedTask;
        });
        // The stand-in's own time on the call (to the last byte), so a benchmark can take it out of a flow's time.
        context.Response.OnCompleted(() =>
        {
            entry.SetDuration(System.Diagnostics.Stopwatch.GetElapsedTime(started));
            return Task.CompletedTask;
        });
        return next(context);
    }
}

public static class ReceivedRequestHttpContextExtensions
{
    public static ReceivedRequest? ReceivedRequest(this HttpContext context) => context.Features.Get<ReceivedRequest>();
}
