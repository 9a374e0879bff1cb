using System.Globalization;
using System.Security.Cryptography;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Faults;
using Deckard.RunPodMock.Files;
using Deckard.RunPodMock.Media;
using Deckard.RunPodMock.Queue;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.StableAvatar;

/// <summary>
/// Runs one <c>generate</c> event as Gradio's <c>process_events</c> and StableAvatar's <c>generate()</c> would: announces
/// the start, prepares the inputs, spends the cost model's time while ffmpeg makes the real video, and ends with a
/// <c>process_completed</c> (the output, or the error payload). Injected job faults fire here.
/// </summary>
public sealed class GenerationProcessor(
    GradioQueue queue,
    GenerateInputs inputs,
    AvatarRenderer renderer,
    GradioTempFolder folder,
    FaultBoard faults,
    LiveSettings settings,
    IOptions<RunPodMockOptions> options,
    TimeProvider clock,
    ILogger<GenerationProcessor> logger)
{
    public async Task RunAsync(GenerationEvent evt)
    {
        var current = settings.Current;
        var started = clock.GetTimestamp();
        queue.Send(evt, QueueMessage.ProcessStarts(evt.Id, queue.AverageProcessSeconds));
        logger.LogInformation("Event {EventId} started ({Route})", evt.Id, evt.Route);

        ApplyStreamFaults(evt);

        JsonArray? data = null;
        RunFailure? failure;
        try
        {
            (data, failure) = await ProduceAsync(evt, current, evt.Aborted);
        }
        catch (OperationCanceledException) when (evt.Aborted.IsCancellationRequested)
        {
            logger.LogInformation("Event {EventId} stopped: the stand-in was reset or restarted", evt.Id);
            return;
        }
        catch (Exception exception) when (exception is IOException or UnauthorizedAccessException or InvalidOperationException)
        {
            logger.LogError(exception, "Event {EventId} failed inside the stand-in", evt.Id);
            failure = RunFailure.Crash($"{exception.GetType().Name}: {exception.Message}");
        }

        var seconds = clock.GetElapsedTime(started).TotalSeconds;
        QueueMessage final;
        if (failure is null)
        {
            queue.RecordProcessTime(seconds);
            final = QueueMessage.ProcessCompleted(evt.Id, new JsonObject
            {
                ["data"] = data,
                ["is_generating"] = false,
                ["duration"] = seconds,
                ["average_duration"] = queue.AverageProcessSeconds,
                ["render_config"] = null,
                ["changed_state_ids"] = new JsonArray(),
            }, success: true, title: null);
            logger.LogInformation("Event {EventId} completed in {Seconds:0.000} s: {Output} ({Bytes} bytes)",
                evt.Id, seconds, evt.OutputPath, evt.OutputBytes);
        }
        else
        {
            final = QueueMessage.ProcessCompleted(evt.Id, failure.Payload(current.ShowError), success: false, title: "Error");
            logger.LogInformation("Event {EventId} failed in {Seconds:0.000} s ({Kind}): {Reason}",
                evt.Id, seconds, failure.IsGradioError ? "gr.Error" : "exception", failure.Message);
        }

        queue.Send(evt, final);
        evt.MarkFinished(clock.GetUtcNow(), final, failure?.Message, failure?.VisibleWith(current.ShowError));
    }

    private void ApplyStreamFaults(GenerationEvent evt)
    {
        if (evt.Route == JobRoute.Run)
        {
            return;
        }

        if (faults.TryConsume(FaultKind.StreamDrop) is not null)
        {
            queue.Mailbox(evt.SessionHash)?.RequestCut();
        }

        if (faults.TryConsume(FaultKind.HeartbeatStop) is not null)
        {
            queue.Mailbox(evt.SessionHash)?.Silence();
        }
    }

    private async Task<(JsonArray? Data, RunFailure? Failure)> ProduceAsync(GenerationEvent evt, MockSettings current, CancellationToken cancellationToken)
    {
        var media = options.Value.Media;
        var (request, failure) = await inputs.PrepareAsync(evt.Data, current.Flavor, cancellationToken);
        if (request is null)
        {
            return (null, failure);
        }

        var (image, imageError) = await ImageReadAsync(media.FfprobePath, request.ImagePath, cancellationToken);
        if (image is null)
        {
            return (null, RunFailure.Crash($"PIL.UnidentifiedImageError: cannot identify image file '{request.ImagePath}' ({imageError})"));
        }

        var (audio, audioError) = await AudioTrack.DecodeAsync(media.FfmpegPath, request.AudioPath, cancellationToken);
        if (audio is null || audio.SampleCount == 0)
        {
            return (null, RunFailure.Crash($"audioread.exceptions.NoBackendError: librosa could not decode '{request.AudioPath}' ({audioError ?? "no samples"})"));
        }

        if (audio.Seconds > media.MaxAudioSeconds)
        {
            return (null, RunFailure.Crash(
                $"torch.OutOfMemoryError: {audio.Seconds:0.0} s of audio is longer than this stand-in renders (RunPodMock:Media:MaxAudioSeconds = {media.MaxAudioSeconds})."));
        }

        var frames = audio.FrameCount(request.Fps);
        if (frames < request.WindowFrames)
        {
            return (null, RunFailure.Crash(
                $"RuntimeError: {audio.Seconds:0.00} s of audio gives {frames} frames at {request.Fps} fps, fewer than one {request.WindowFrames}-frame " +
                $"window ({request.WindowFrames / request.Fps:0.00} s): the denoising loop never ran and no video was made."));
        }

        var cost = CostModel.Estimate(request, frames, options.Value.CostModel, current.TimeScale);
        var seed = request.SeedParam < 0 ? RandomNumberGenerator.GetInt32(int.MaxValue) : request.SeedParam;
        var render = cost.Snapshot();
        render["audio_seconds"] = Math.Round(audio.Seconds, 3);
        render["seed"] = seed;
        render["width"] = request.Width;
        render["height"] = request.Height;
        render["fps"] = request.Fps;
        render["image_width"] = image.Value.Width;
        render["image_height"] = image.Value.Height;
        evt.Render = render;
        logger.LogInformation(
            "Event {EventId}: {AudioSeconds:0.00} s audio, {Frames} frames, {Windows} window(s), {Steps} steps at {Width}x{Height}: cost {Cost:0.0} s, simulated {Simulated:0.000} s",
            evt.Id, audio.Seconds, frames, cost.Windows, request.Steps, request.Width, request.Height, cost.CostSeconds, cost.Simulated.TotalSeconds);

        // An injected crash or gr.Error strikes at the end of the denoising (where an OOM in the VAE decode would).
        var crash = faults.TryConsume(FaultKind.RunCrash);
        var error = crash is null ? faults.TryConsume(FaultKind.RunError) : null;
        if (crash is not null || error is not null)
        {
            await Task.Delay(cost.Simulated, clock, cancellationToken);
            return (null, crash is not null ? RunFailure.Crash(crash.Message!) : RunFailure.GradioError(error!.Message!));
        }

        var scratch = folder.CreateScratch();
        try
        {
            var rendering = renderer.RenderAsync(request, audio, scratch, cancellationToken);
            await Task.WhenAll(rendering, Task.Delay(cost.Simulated, clock, cancellationToken));
            var (video, renderError) = await rendering;
            if (video is null)
            {
                return (null, RunFailure.Crash(
                    $"subprocess.CalledProcessError: Command '['ffmpeg', ...]' returned non-zero exit status 1. ({renderError})"));
            }

            var timestamp = clock.GetLocalNow().ToString("yyyyMMdd_HHmmss", CultureInfo.InvariantCulture);
            var path = await folder.AdoptAsync(video, $"{timestamp}_audio.mp4", cancellationToken);
            evt.OutputPath = path;
            evt.OutputBytes = new FileInfo(path).Length;
            return (new JsonArray(
                OutputFile.Video(path, evt.Root, current.Flavor),
                seed.ToString(CultureInfo.InvariantCulture),
                $"Generated outputs/{timestamp}.mp4 / 已生成outputs/{timestamp}.mp4"), null);
        }
        finally
        {
            TryDelete(scratch);
        }
    }

    private static async Task<((int Width, int Height)? Size, string? Error)> ImageReadAsync(string ffprobe, string path, CancellationToken cancellationToken)
    {
        var (width, height, error) = await ImageProbe.ReadAsync(ffprobe, path, cancellationToken);
        return error is null ? ((width, height), null) : (null, error);
    }

    private void TryDelete(string directory)
    {
        try
        {
            Directory.Delete(directory, recursive: true);
        }
        catch (IOException exception)
        {
            logger.LogDebug("Could not delete scratch folder {Folder}: {Reason}", directory, exception.Message);
        }
    }
}
