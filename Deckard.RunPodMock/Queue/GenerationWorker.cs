using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Queue;

/// <summary>
/// The app's single GPU worker: takes the oldest waiting event, runs it, and takes the next once the slot is free
/// (a cancelled run frees the slot at once while its work runs on, as in Gradio).
/// </summary>
public sealed class GenerationWorker(GradioQueue queue, GenerationProcessor processor, ILogger<GenerationWorker> logger) : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            GenerationEvent evt;
            try
            {
                evt = await queue.TakeNextAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            if (!evt.Alive)
            {
                queue.Release(evt);
                continue;
            }

            var run = Task.Run(() => processor.RunAsync(evt), CancellationToken.None);
            _ = run.ContinueWith(
                failed => logger.LogError(failed.Exception, "Event {EventId} ended with an unexpected error", evt.Id),
                CancellationToken.None,
                TaskContinuationOptions.OnlyOnFaulted,
                TaskScheduler.Default);
            try
            {
                await Task.WhenAny(run, evt.SlotReleased).WaitAsync(stoppingToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
            finally
            {
                queue.Release(evt);
            }
        }
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        // Stopping the process stops the GPU work too: kill renders instead of leaving them to finish.
        queue.Reset();
        await base.StopAsync(cancellationToken);
    }
}
