using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Deckard.Core.Telemetry;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deckard.Core.StableAvatar;

/// <summary>
/// One render: choose a pod, discover the app, upload the portrait and the audio, submit, follow the result stream,
/// download the video. A lost stream loses the job (Gradio drops it), so the job is submitted again within the
/// submission budget; each pod's circuit breaker fails renders fast while that pod keeps failing, and with several
/// pods a render passes over one that is open or unreachable for the next.
/// </summary>
public sealed partial class StableAvatarClient(
    GradioClient gradio, PodPool pool, IOptions<StableAvatarOptions> options, TimeProvider timeProvider, ILogger<StableAvatarClient> logger)
{
    /// <summary>How long a pod may take to say how long its queue is before it is ranked without that.</summary>
    private static readonly TimeSpan QueueStatusTimeout = TimeSpan.FromSeconds(2);

    public async Task<RenderResult> RenderAsync(RenderRequest request, IProgress<RenderProgress>? progress, CancellationToken cancellationToken)
    {
        var started = timeProvider.GetUtcNow();
        var requestsBefore = gradio.RequestCount;
        progress?.Report(new RenderProgress("uploading", 0, TimeSpan.Zero));
        var ranked = await pool.RankAsync(pod => pod.LastDiscovered is { } known
            ? gradio.QueueLengthAsync(known, QueueStatusTimeout, cancellationToken)
            : Task.FromResult<int?>(null));
        DateTimeOffset? retryAt = null;
        StableAvatarException? unreachable = null;
        for (var index = 0; index < ranked.Count; index++)
        {
            var pod = ranked[index];
            if (!pod.Circuit.TryEnter(out var permit, out var podRetryAt))
            {
                retryAt = podRetryAt is { } until && (retryAt is null || until < retryAt) ? until : retryAt;
                continue;
            }

            using (permit)
            using (pod.Track())
            {
                // The last pod to try is waited out while it boots; the others fail over at once.
                var isLast = ranked.Skip(index + 1).All(next => next.Circuit.IsOpen);
                var discovered = false;
                try
                {
                    var app = pod.LastDiscovered = await gradio.DiscoverAsync(pod.BaseUrl, retry: isLast, cancellationToken);
                    discovered = true;
                    var result = await RenderOnceAsync(app, request, progress, started, cancellationToken);
                    permit.Succeeded();
                    return result with { HttpRequests = gradio.RequestCount - requestsBefore, Pod = pod.BaseUrl };
                }
                catch (StableAvatarException exception) when (!discovered && !isLast && exception.IsOutage)
                {
                    permit.Failed();
                    unreachable = exception;
                    LogPassedOver(logger, pod.BaseUrl.Authority, exception.Message);
                }
                catch (StableAvatarException exception)
                {
                    // A refused job proves the pod answers; only outages count towards opening the circuit.
                    if (exception.IsOutage)
                    {
                        permit.Failed();
                    }
                    else
                    {
                        permit.Succeeded();
                    }

                    throw;
                }
            }
        }

        throw unreachable ?? CircuitOpen(retryAt);
    }

    private StableAvatarException CircuitOpen(DateTimeOffset? retryAt)
    {
        var who = pool.Pods.Count == 1 ? "StableAvatar" : $"Every StableAvatar pod ({pool.Pods.Count})";
        return new StableAvatarException(
            retryAt is { } until
                ? $"{who} failed {options.Value.CircuitBreakerFailures} renders in a row; Deckard will try it again after {until:HH:mm:ss} UTC."
                : $"{who} has been failing; one render is testing whether it is back, and others wait for its outcome.",
            isTransient: true, isOutage: false);
    }

    private async Task<RenderResult> RenderOnceAsync(GradioApp app, RenderRequest request, IProgress<RenderProgress>? progress, DateTimeOffset started, CancellationToken cancellationToken)
    {
        var budget = options.Value.SubmissionBudget;
        var image = await gradio.UploadAsync(app, request.ImagePath, cancellationToken);
        var audio = await gradio.UploadAsync(app, request.AudioPath, cancellationToken);
        var data = BuildData(app, image, Path.GetFileName(request.ImagePath), audio, Path.GetFileName(request.AudioPath), request.Parameters);
        TimeSpan? estimate = request.AudioDuration is { } duration ? RenderEstimate.Of(app, data, duration, options.Value.Cost) : null;

        var losses = new List<string>();
        for (var submission = 1; submission <= budget; submission++)
        {
            progress?.Report(new RenderProgress("queued", submission, Elapsed(started), estimate));
            var eventId = await gradio.SubmitAsync(app, data, cancellationToken);
            var submitted = timeProvider.GetUtcNow();
            progress?.Report(new RenderProgress("rendering", submission, Elapsed(started), estimate));
            var outcome = await gradio.ReadResultAsync(
                app, eventId, () => progress?.Report(new RenderProgress("rendering", submission, Elapsed(started), estimate)), cancellationToken);
            switch (outcome)
            {
                case GradioOutcome.Completed completed:
                    var (videoPath, seed) = ReadOutput(completed.Data);
                    var renderTime = timeProvider.GetUtcNow() - submitted;
                    DeckardMetrics.RecordRender(renderTime, estimate, Elapsed(started));
                    progress?.Report(new RenderProgress("downloading", submission, Elapsed(started), estimate));
                    await gradio.DownloadAsync(app, videoPath, request.OutputPath, cancellationToken);
                    return new RenderResult(request.OutputPath, seed, submission, 0, renderTime);
                case GradioOutcome.Failed { Message: null }:
                    throw new StableAvatarException(
                        "StableAvatar raised an error while rendering; its details are only in the pod's logs (the app hides them). " +
                        "A common cause is running out of GPU memory: try a smaller size or fewer steps.", isTransient: false);
                case GradioOutcome.Failed failed:
                    throw new StableAvatarException($"StableAvatar refused the job: {failed.Message}", isTransient: false, isOutage: false);
                case GradioOutcome.Lost lost:
                    LogLost(logger, submission, budget, lost.Reason);
                    losses.Add(lost.Reason);
                    break;
            }
        }

        throw new StableAvatarException(
            $"The render was lost {budget} times ({string.Join("; ", losses.Distinct())}); StableAvatar may be overloaded or unreachable.",
            isTransient: true);
    }

    private TimeSpan Elapsed(DateTimeOffset started) => timeProvider.GetUtcNow() - started;

    /// <summary>The inputs in the app's order, by <c>parameter_name</c>: files for the image and audio inputs, configured values, the app's defaults.</summary>
    public JsonArray BuildData(GradioApp app, string imagePath, string imageName, string audioPath, string audioName, IReadOnlyDictionary<string, string>? overrides)
    {
        var data = new JsonArray();
        foreach (var parameter in app.Parameters)
        {
            if (parameter.Component == "Image")
            {
                data.Add(FileData(imagePath, imageName));
            }
            else if (parameter.Component == "Audio")
            {
                data.Add(FileData(audioPath, audioName));
            }
            else if ((overrides?.TryGetValue(parameter.Name, out var value) == true || options.Value.Parameters.TryGetValue(parameter.Name, out value)) && value is not null)
            {
                data.Add(Convert(parameter, value));
            }
            else if (parameter.HasDefault)
            {
                data.Add(parameter.Default is { } fallback ? JsonNode.Parse(fallback.GetRawText()) : null);
            }
            else
            {
                throw new StableAvatarException(
                    $"StableAvatar's '{parameter.Name}' input has no default and no value is configured (StableAvatar:Parameters:{parameter.Name}).",
                    isTransient: false, isOutage: false);
            }
        }

        return data;
    }

    private static JsonObject FileData(string path, string name) => new()
    {
        ["path"] = path,
        ["orig_name"] = name,
        ["meta"] = new JsonObject { ["_type"] = "gradio.FileData" },
    };

    private static JsonNode? Convert(GradioParameter parameter, string value)
    {
        if (!double.TryParse(value, NumberStyles.Float, CultureInfo.InvariantCulture, out var number)
            || parameter.Default is { ValueKind: JsonValueKind.String })
        {
            return JsonValue.Create(value);
        }

        if (parameter.Minimum is { } minimum && number < minimum || parameter.Maximum is { } maximum && number > maximum)
        {
            throw new StableAvatarException(
                $"StableAvatar:Parameters:{parameter.Name} is {value}, outside {parameter.Minimum}–{parameter.Maximum}.", isTransient: false, isOutage: false);
        }

        // Whole numbers go as JSON integers: 42.0 reaches torch where an int is needed.
        return parameter.IsInteger ? JsonValue.Create((long)Math.Round(number)) : JsonValue.Create(number);
    }

    /// <summary>The video's server path and the seed, from the 4.x/5.x shape (<c>{"video": FileData}</c>) or the 6.x one (FileData).</summary>
    private static (string VideoPath, string? Seed) ReadOutput(JsonElement data)
    {
        if (data.ValueKind != JsonValueKind.Array || data.GetArrayLength() == 0)
        {
            throw new StableAvatarException("StableAvatar finished without an output.", isTransient: true);
        }

        var video = data[0];
        if (video.ValueKind == JsonValueKind.Object && video.TryGetProperty("video", out var wrapped) && wrapped.ValueKind == JsonValueKind.Object)
        {
            video = wrapped;
        }

        var path = video.ValueKind == JsonValueKind.Object && video.TryGetProperty("path", out var pathElement) ? pathElement.GetString() : null;
        if (string.IsNullOrEmpty(path))
        {
            throw new StableAvatarException("StableAvatar finished without a video file.", isTransient: true);
        }

        var seed = data.GetArrayLength() > 1 && data[1].ValueKind is JsonValueKind.String or JsonValueKind.Number ? data[1].ToString() : null;
        return (path, seed);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "StableAvatar pod {Pod} passed over for the next: {Reason}")]
    private static partial void LogPassedOver(ILogger logger, string pod, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "StableAvatar render lost on submission {Submission} of {Budget}: {Reason}")]
    private static partial void LogLost(ILogger logger, int submission, int budget, string reason);
}
