using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Proxy;
using Deckard.RunPodMock.Queue;
using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Gradio;

/// <summary>
/// <c>POST {prefix}/run/{api}</c> and <c>{prefix}/api/{api}</c>: run at once, skipping the queue, and answer when done.
/// A render longer than the proxy timeout gets RunPod's 524 instead, while the GPU work runs on and its result is lost.
/// </summary>
public static class SyncPredictEndpoint
{
    public static async Task HandleAsync(HttpContext context, string apiName)
    {
        var services = context.RequestServices;
        var queue = services.GetRequiredService<GradioQueue>();
        var processor = services.GetRequiredService<GenerationProcessor>();
        var settings = services.GetRequiredService<LiveSettings>();
        var clock = services.GetRequiredService<TimeProvider>();
        var logger = services.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(SyncPredictEndpoint));

        if (apiName != StableAvatarApp.ApiName)
        {
            await GradioErrors.UnknownApi(apiName).ExecuteAsync(context);
            return;
        }

        var (body, error) = await PredictBody.ReadAsync(context.Request);
        if (body is null)
        {
            await error!.ExecuteAsync(context);
            return;
        }

        var eventId = GradioQueue.NewEventId();
        var evt = new GenerationEvent(eventId, body.SessionHash ?? eventId, JobRoute.Run, body.Data, RootUrl.Of(context.Request),
            body.SessionHash is not null, clock.GetUtcNow());
        queue.RecordUnqueued(evt);
        evt.MarkRunning(clock.GetUtcNow());
        _ = Task.Run(() => processor.RunAsync(evt), CancellationToken.None);

        var timeout = settings.Current.ProxyTimeout;
        QueueMessage final;
        try
        {
            final = await evt.Finished.WaitAsync(timeout, clock, context.RequestAborted);
        }
        catch (TimeoutException)
        {
            evt.MarkLost(clock.GetUtcNow(), "The proxy answered 524 before the run ended; the run went on and its result was thrown away.", stopWork: false);
            logger.LogInformation("Synchronous run {EventId} outlasted the proxy timeout ({Seconds} s): 524", eventId, timeout.TotalSeconds);
            await ProxyResponses.TimeoutAsync(context);
            return;
        }
        catch (OperationCanceledException)
        {
            evt.MarkLost(clock.GetUtcNow(), "The client left before the synchronous run ended.", stopWork: false);
            return;
        }

        evt.Delivered = true;
        var output = (JsonObject)final.Output.DeepClone();
        await WireJson.Result(output, final.Success ? StatusCodes.Status200OK : StatusCodes.Status500InternalServerError).ExecuteAsync(context);
    }
}
