using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Proxy;
using Microsoft.AspNetCore.Http.Features;

namespace Deckard.RunPodMock.Queue;

/// <summary>
/// Gradio's <c>queue_data_helper</c>: streams a session's mailbox as SSE. Headers go at once; a heartbeat follows each
/// heartbeat interval after the previous one; an event's final message takes it off the session's pending list and,
/// when none is left, the stream closes (with <c>close_stream</c> on <c>queue/data</c>). A client that leaves, or a
/// proxy that cuts the connection, loses the session's jobs.
/// </summary>
public sealed class SessionStreamWriter(GradioQueue queue, LiveSettings settings, TimeProvider clock, ILogger<SessionStreamWriter> logger)
{
    public async Task StreamAsync(HttpContext context, string sessionHash, IStreamFormat format)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream; charset=utf-8";
        context.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        // Headers go out at once, as Gradio's StreamingResponse sends them, even if nothing follows for a while.
        await response.StartAsync(context.RequestAborted);
        await response.Body.FlushAsync(context.RequestAborted);

        var mailbox = queue.Mailbox(sessionHash);
        if (mailbox is null)
        {
            // Gradio raises HTTPException(404) inside the stream: the client reads it as an error, then the connection drops.
            var notFound = QueueMessage.UnexpectedError("404: Not Found", settings.Current.Flavor.ReportsSessionNotFound ? true : null);
            await TryWriteAsync(context, format.Format(notFound));
            logger.LogInformation("Stream for unknown session {SessionHash}: answered 404 and cut", sessionHash);
            await ConnectionCut.CutAfterDeliveryAsync(context);
            return;
        }

        logger.LogDebug("Stream opened for session {SessionHash}", sessionHash);
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(context.RequestAborted, mailbox.Cut);
        var lastHeartbeat = clock.GetTimestamp();
        while (true)
        {
            var interval = settings.Current.HeartbeatInterval;
            var wait = interval - clock.GetElapsedTime(lastHeartbeat);
            QueueMessage? message;
            try
            {
                using var heartbeatDue = new CancellationTokenSource(wait > TimeSpan.Zero ? wait : TimeSpan.Zero, clock);
                using var either = CancellationTokenSource.CreateLinkedTokenSource(ended.Token, heartbeatDue.Token);
                message = await mailbox.Reader.ReadAsync(either.Token);
            }
            catch (OperationCanceledException) when (!ended.IsCancellationRequested)
            {
                lastHeartbeat = clock.GetTimestamp();
                message = QueueMessage.Heartbeat();
            }
            catch (OperationCanceledException)
            {
                await EndAsync(context, sessionHash, cutByProxy: !context.RequestAborted.IsCancellationRequested);
                return;
            }

            if (mailbox.IsSilenced)
            {
                continue;
            }

            if (!await TryWriteAsync(context, format.Format(message)))
            {
                await EndAsync(context, sessionHash, cutByProxy: false);
                return;
            }

            if (message.Kind == QueueMessageKind.UnexpectedError)
            {
                await ConnectionCut.CutAfterDeliveryAsync(context);
                return;
            }

            if (message.Kind == QueueMessageKind.ProcessCompleted && message.EventId is { } eventId
                && queue.MarkDelivered(sessionHash, eventId) == 0)
            {
                await TryWriteAsync(context, format.Format(QueueMessage.CloseStream()));
                logger.LogDebug("Stream for session {SessionHash} closed: nothing left pending", sessionHash);
                return;
            }
        }
    }

    /// <summary>The connection is gone (client left) or cut (the proxy dropped it): Gradio cleans the session's events.</summary>
    private async Task EndAsync(HttpContext context, string sessionHash, bool cutByProxy)
    {
        queue.Disconnected(sessionHash);
        if (cutByProxy)
        {
            logger.LogInformation("Stream of session {SessionHash} cut, as a proxy drop would", sessionHash);
            await ConnectionCut.CutAfterDeliveryAsync(context);
        }
        else
        {
            logger.LogInformation("Client closed the stream of session {SessionHash}", sessionHash);
        }
    }

    private static async Task<bool> TryWriteAsync(HttpContext context, string? text)
    {
        if (text is null)
        {
            return true;
        }

        try
        {
            await context.Response.WriteAsync(text, context.RequestAborted);
            await context.Response.Body.FlushAsync(context.RequestAborted);
            return true;
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            return false;
        }
    }
}
