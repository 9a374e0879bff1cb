using System.Threading.Channels;
using Deckard.Core.Artifacts;
using Deckard.Core.Avatars;
using Deckard.Core.Events;
using Deckard.Core.Media;
using Deckard.Core.Sessions;
using Deckard.Core.StableAvatar;
using Deckard.Core.Steps;
using Microsoft.Extensions.Options;

namespace Deckard.Workers.Steps;

/// <summary>
/// A portrait and speech → StableAvatar → the talking-avatar MP4 as the session's <c>video</c> artifact. The inputs
/// are prepared first (speech as 16 kHz mono WAV, padded to one generation window; the portrait cropped square at
/// the trained size), and <c>lipsync.progress</c> events follow the render: uploading, queued, rendering (elapsed
/// time and the cost model's ETA), downloading. The flow table says which speech and which portrait: the uploaded
/// ones, or the spoken answer and the person's avatar (the one the session names, their current one, or the default).
/// </summary>
[Step(StepNames.Lipsync)]
public sealed partial class LipsyncStep(
    StableAvatarClient stableAvatar, ArtifactStore artifacts, AvatarStore avatars, IOptions<StableAvatarOptions> options, ILogger<LipsyncStep> logger)
    : IStep
{
    /// <summary>Heartbeats come every few seconds; the browser needs "still rendering" less often than that.</summary>
    private static readonly TimeSpan RepeatedStageInterval = TimeSpan.FromSeconds(2);

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var input = context.InputAs<LipsyncInput>() ?? new LipsyncInput(ArtifactRoles.InputSpeech, LipsyncInput.UploadedPortrait);
        var (portrait, portraitSource, portraitArtifactId) = await ReadPortraitAsync(context, input, cancellationToken);
        var speech = await artifacts.ReadByRoleAsync(context.SessionId, input.Speech, cancellationToken)
            ?? throw new StepFailedException("The session has no speech to lip-sync.");

        var settings = options.Value;
        var started = System.Diagnostics.Stopwatch.GetTimestamp();
        var folder = Directory.CreateTempSubdirectory("deckard-lipsync-");
        try
        {
            var portraitIn = Path.Combine(folder.FullName, "portrait-upload");
            var speechIn = Path.Combine(folder.FullName, "speech-upload");
            await File.WriteAllBytesAsync(portraitIn, portrait, cancellationToken);
            await File.WriteAllBytesAsync(speechIn, speech.Data, cancellationToken);

            var image = Path.Combine(folder.FullName, "portrait.png");
            var audio = Path.Combine(folder.FullName, "speech.wav");
            TimeSpan duration;
            bool portraitInProcess, speechInProcess;
            try
            {
                // Both at once: they do not depend on each other (and either may need an ffmpeg process).
                var preparingPortrait = MediaPreparation.PreparePortraitAsync(portraitIn, image, settings.PortraitSize, cancellationToken);
                // A little past one window: audio exactly one window long can make StableAvatar loop without end.
                var window = MediaPreparation.MinimumWindow() + TimeSpan.FromSeconds(0.2);
                var preparingSpeech = MediaPreparation.PrepareSpeechAsync(
                    speechIn, audio, window, settings.MinimumSpeech, settings.MaximumSpeech, cancellationToken);
                await Task.WhenAll(preparingPortrait, preparingSpeech);
                portraitInProcess = await preparingPortrait;
                (duration, speechInProcess) = await preparingSpeech;
            }
            catch (MediaPreparationException exception)
            {
                throw new StepFailedException(exception.Message, isTransient: false, exception);
            }

            var prepared = System.Diagnostics.Stopwatch.GetElapsedTime(started);
            var output = Path.Combine(folder.FullName, "lipsync.mp4");
            RenderResult result;
            var reporter = new ProgressReporter(context, input.Turn, logger);
            try
            {
                result = await stableAvatar.RenderAsync(
                    new RenderRequest(image, audio, output, AudioDuration: duration), reporter, cancellationToken);
            }
            catch (StableAvatarException exception)
            {
                // Final for this session: the client already spent its safe retries and its submission budget (and
                // an open circuit means the pod is down), so retrying the step would only multiply GPU submissions.
                throw new StepFailedException(exception.Message, isTransient: false, exception);
            }
            finally
            {
                await reporter.DisposeAsync();
            }

            var video = await File.ReadAllBytesAsync(result.VideoPath, cancellationToken);
            LogRendered(logger, context.SessionId, duration.TotalSeconds, video.Length, result.Submissions, result.HttpRequests,
                prepared.TotalMilliseconds, System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds);
            return new StepResult
            {
                Artifacts = [NewArtifact.FromBytes(ArtifactKinds.Video, input.Video, "video/mp4", video)],
                Output = new
                {
                    durationSeconds = Math.Round(duration.TotalSeconds, 3),
                    sizeBytes = video.Length,
                    seed = result.Seed,
                    submissions = result.Submissions,
                    httpRequests = result.HttpRequests,
                    renderSeconds = Math.Round(result.RenderTime.TotalSeconds, 3),
                    pod = result.Pod?.Authority,
                    // How the inputs were prepared: "in-process", or "ffmpeg" for formats that need it.
                    preparation = new
                    {
                        portrait = portraitInProcess ? "in-process" : "ffmpeg",
                        speech = speechInProcess ? "in-process" : "ffmpeg",
                        milliseconds = Math.Round(prepared.TotalMilliseconds, 1),
                    },
                    portraitSource,
                    portraitArtifactId,
                    turn = input.Turn,
                },
                GpuSeconds = result.RenderTime.TotalSeconds,
            };
        }
        finally
        {
            folder.Delete(recursive: true);
        }
    }

    /// <summary>The uploaded portrait, or the person's avatar; with where it came from.</summary>
    private async Task<(byte[] Data, string Source, Guid? ArtifactId)> ReadPortraitAsync(StepContext context, LipsyncInput input, CancellationToken cancellationToken)
    {
        if (input.Portrait != LipsyncInput.AvatarPortrait)
        {
            var uploaded = await artifacts.ReadByRoleAsync(context.SessionId, input.Portrait, cancellationToken)
                ?? throw new StepFailedException("The session has no portrait to animate.");
            return (uploaded.Data, "upload", uploaded.Id);
        }

        try
        {
            var avatar = await avatars.ResolveAsync(context.Owner, context.Options.AvatarId, cancellationToken);
            return (avatar.Data, avatar.Source, avatar.ArtifactId);
        }
        catch (AvatarNotFoundException exception)
        {
            throw new StepFailedException(exception.Message, isTransient: false, exception);
        }
    }

    /// <summary>
    /// Writes <c>lipsync.progress</c> events in order, off the render's path: a slow database never stalls the result
    /// stream's reader. A stage is always written; the same stage again (a heartbeat) at most every couple of seconds.
    /// </summary>
    private sealed class ProgressReporter : IProgress<RenderProgress>, IAsyncDisposable
    {
        private readonly Channel<RenderProgress> _pending = Channel.CreateUnbounded<RenderProgress>(new UnboundedChannelOptions { SingleReader = true });
        private readonly Task _writer;

        /// <param name="turn">The conversation turn the render belongs to, named in every event (null outside a conversation).</param>
        public ProgressReporter(StepContext context, int? turn, ILogger logger) => _writer = WriteAsync(context, turn, logger);

        public void Report(RenderProgress value) => _pending.Writer.TryWrite(value);

        public async ValueTask DisposeAsync()
        {
            _pending.Writer.TryComplete();
            await _writer;
        }

        private async Task WriteAsync(StepContext context, int? turn, ILogger logger)
        {
            string? lastStage = null;
            var lastWritten = TimeSpan.MinValue;
            await foreach (var progress in _pending.Reader.ReadAllAsync())
            {
                if (progress.Stage == lastStage && progress.Elapsed - lastWritten < RepeatedStageInterval)
                {
                    continue;
                }

                lastStage = progress.Stage;
                lastWritten = progress.Elapsed;
                try
                {
                    await context.ReportAsync(EventTypes.LipsyncProgress, new LipsyncProgressData(
                        progress.Stage,
                        progress.Submission,
                        (long)progress.Elapsed.TotalMilliseconds,
                        progress.Estimate is { } estimate ? (long)estimate.TotalMilliseconds : null,
                        progress.Estimate is { } total ? (long)Math.Max(0, (total - progress.Elapsed).TotalMilliseconds) : null,
                        turn), CancellationToken.None);
                }
                catch (ProgressNotStoredException exception)
                {
                    // Progress is a courtesy: the render goes on, and its result is stored with the step.
                    LogProgressLost(logger, context.SessionId, exception.Message);
                }
            }
        }
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: lip-synced {Seconds:0.00} s of speech into {Bytes} bytes of video ({Submissions} submission(s), {Requests} HTTP requests; inputs prepared in {PreparedMs:0} ms, {TotalMs:0} ms in all)")]
    private static partial void LogRendered(ILogger logger, Guid sessionId, double seconds, int bytes, int submissions, int requests, double preparedMs, double totalMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Session {SessionId}: a lipsync.progress event could not be stored: {Reason}")]
    private static partial void LogProgressLost(ILogger logger, Guid sessionId, string reason);
}
