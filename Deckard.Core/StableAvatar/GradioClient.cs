using System.Globalization;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace Deckard.Core.StableAvatar;

/// <summary>
/// Gradio's HTTP protocol as StableAvatar serves it (4.x, 5.x and 6.x layouts): discovery from <c>/config</c> and
/// <c>/info</c>, upload, <c>/call</c> plus its SSE result stream read with an idle watchdog, and file download.
/// Only requests that cannot have started a job are retried (502 and 503 answers, refused connections).
/// </summary>
public sealed partial class GradioClient(HttpClient http, IOptions<StableAvatarOptions> options, ILogger<GradioClient> logger)
{
    private int _requests;

    /// <summary>HTTP requests made by this client (for the benchmark's requests-per-job figure).</summary>
    public int RequestCount => _requests;

    /// <summary>
    /// Reads the app at <paramref name="baseUrl"/>. With <paramref name="retry"/> false a pod that is booting or
    /// unreachable fails at once (another pod can take the render) instead of being waited out.
    /// </summary>
    public async Task<GradioApp> DiscoverAsync(Uri baseUrl, bool retry, CancellationToken cancellationToken)
    {
        var retries = retry ? options.Value.SafeRetries : 0;
        using var config = await SendSafelyAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, "config")), cancellationToken, retries: retries);
        var configJson = await ReadJsonAsync(config, "/config", cancellationToken);
        var prefix = configJson.TryGetProperty("api_prefix", out var apiPrefix) && apiPrefix.ValueKind == JsonValueKind.String
            ? apiPrefix.GetString()!.TrimEnd('/')
            : "";
        var version = configJson.TryGetProperty("version", out var versionElement) ? versionElement.GetString() : null;

        using var info = await SendSafelyAsync(() => new HttpRequestMessage(HttpMethod.Get, new Uri(baseUrl, prefix + "/info")), cancellationToken, retries: retries);
        var infoJson = await ReadJsonAsync(info, $"{prefix}/info", cancellationToken);
        if (!infoJson.TryGetProperty("named_endpoints", out var endpoints) || !endpoints.TryGetProperty(options.Value.ApiName, out var endpoint))
        {
            throw new StableAvatarException(
                $"The app at {baseUrl} has no {options.Value.ApiName} endpoint; is it StableAvatar, and is StableAvatar:ApiName right?", isTransient: false);
        }

        var parameters = endpoint.GetProperty("parameters").EnumerateArray().Select(ReadParameter).ToList();
        return new GradioApp(baseUrl, prefix, version, parameters);
    }

    /// <summary>
    /// The jobs waiting in the app's queue (<c>{prefix}/queue/status</c>), or null when the pod does not say within
    /// <paramref name="timeout"/>: a hint for choosing a pod, never a reason to fail a render.
    /// </summary>
    public async Task<int?> QueueLengthAsync(GradioApp app, TimeSpan timeout, CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            Interlocked.Increment(ref _requests);
            using var response = await http.GetAsync(app.Route("/queue/status"), deadline.Token);
            if (!response.IsSuccessStatusCode)
            {
                return null;
            }

            using var status = JsonDocument.Parse(await response.Content.ReadAsStreamAsync(deadline.Token));
            return status.RootElement.TryGetProperty("queue_size", out var size) && size.TryGetInt32(out var waiting) ? waiting : null;
        }
        catch (Exception exception) when (exception is HttpRequestException or JsonException
            || (exception is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            return null;
        }
    }

    /// <summary>Uploads a file; returns the server path to send in a FileData object.</summary>
    public async Task<string> UploadAsync(GradioApp app, string filePath, CancellationToken cancellationToken)
    {
        using var response = await SendSafelyAsync(() =>
        {
            var content = new MultipartFormDataContent();
            var file = new StreamContent(File.OpenRead(filePath));
            file.Headers.ContentType = new MediaTypeHeaderValue("application/octet-stream");
            content.Add(file, "files", Path.GetFileName(filePath));
            return new HttpRequestMessage(HttpMethod.Post, app.Route("/upload")) { Content = content };
        }, cancellationToken);
        var paths = await ReadJsonAsync(response, "upload", cancellationToken);
        return paths.ValueKind == JsonValueKind.Array && paths.GetArrayLength() == 1 && paths[0].GetString() is { } path
            ? path
            : throw new StableAvatarException("StableAvatar's upload answered without a file path.", isTransient: true);
    }

    /// <summary>Queues the job; returns its event id. Never sends a session hash (it breaks the result lookup in 4.x/5.x).</summary>
    public async Task<string> SubmitAsync(GradioApp app, JsonArray data, CancellationToken cancellationToken)
    {
        using var response = await SendSafelyAsync(
            () => new HttpRequestMessage(HttpMethod.Post, app.Route($"/call{options.Value.ApiName}"))
            {
                Content = JsonContent.Create(new JsonObject { ["data"] = data.DeepClone() }),
            },
            cancellationToken);
        var body = await ReadJsonAsync(response, "call", cancellationToken);
        return body.TryGetProperty("event_id", out var eventId) && eventId.GetString() is { Length: > 0 } id
            ? id
            : throw new StableAvatarException("StableAvatar accepted the job without an event id.", isTransient: true);
    }

    /// <summary>
    /// Reads the job's result stream until <c>complete</c> or <c>error</c>. There is no total timeout (renders take
    /// minutes); a stream silent for the idle timeout, or one that ends early, means the job is lost.
    /// </summary>
    public async Task<GradioOutcome> ReadResultAsync(GradioApp app, string eventId, Action? onHeartbeat, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, app.Route($"/call{options.Value.ApiName}/{eventId}"));
        request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("text/event-stream"));
        Interlocked.Increment(ref _requests);
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        watchdog.CancelAfter(options.Value.IdleTimeout);
        try
        {
            using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, watchdog.Token);
            if (!response.IsSuccessStatusCode)
            {
                return new GradioOutcome.Lost($"the result stream answered {(int)response.StatusCode}");
            }

            using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(watchdog.Token), Encoding.UTF8);
            string? eventName = null;
            var data = new StringBuilder();
            while (await reader.ReadLineAsync(watchdog.Token) is { } line)
            {
                watchdog.CancelAfter(options.Value.IdleTimeout);
                if (line.Length > 0)
                {
                    if (line.StartsWith("event:", StringComparison.Ordinal))
                    {
                        eventName = line[6..].Trim();
                    }
                    else if (line.StartsWith("data:", StringComparison.Ordinal))
                    {
                        data.Append(data.Length > 0 ? "\n" : "").Append(line[5..].TrimStart());
                    }

                    continue;
                }

                switch (eventName)
                {
                    case "complete":
                        return new GradioOutcome.Completed(ParseJson(data.ToString()));
                    case "error":
                        var message = ErrorMessage(data.ToString());
                        return IsJobGone(message)
                            ? new GradioOutcome.Lost($"the app no longer knows the job ({message})")
                            : new GradioOutcome.Failed(message);
                    case "heartbeat":
                        onHeartbeat?.Invoke();
                        break;
                }

                eventName = null;
                data.Clear();
            }

            return new GradioOutcome.Lost("the result stream ended before the job did");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new GradioOutcome.Lost($"the result stream was silent for {options.Value.IdleTimeout.TotalSeconds:0} s");
        }
        catch (Exception exception) when (exception is HttpRequestException or IOException)
        {
            return new GradioOutcome.Lost($"the result stream broke: {exception.Message}");
        }
    }

    /// <summary>Downloads an output file from <c>{prefix}/file={path}</c> (never from its <c>url</c>, whose host depends on proxy headers), resuming with Range.</summary>
    public async Task DownloadAsync(GradioApp app, string serverPath, string destination, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(destination, FileMode.Create, FileAccess.Write, FileShare.None, 81920, useAsync: true);
        for (var attempt = 0; ; attempt++)
        {
            try
            {
                using var response = await SendSafelyAsync(() =>
                {
                    var request = new HttpRequestMessage(HttpMethod.Get, app.Route("/file=" + serverPath));
                    if (file.Length > 0)
                    {
                        request.Headers.Range = new RangeHeaderValue(file.Length, null);
                    }

                    return request;
                }, cancellationToken, HttpCompletionOption.ResponseHeadersRead);
                if (file.Length > 0 && response.StatusCode != HttpStatusCode.PartialContent)
                {
                    // The server ignored Range: start again from the beginning.
                    file.SetLength(0);
                }

                var expected = response.Content.Headers.ContentLength;
                await using var body = await response.Content.ReadAsStreamAsync(cancellationToken);
                var before = file.Length;
                await CopyWithWatchdogAsync(body, file, cancellationToken);
                if (expected is null || file.Length - before == expected)
                {
                    return;
                }
            }
            catch (IOException) when (attempt < options.Value.SafeRetries)
            {
                // Truncated or stalled: resume from what arrived.
            }

            if (attempt >= options.Value.SafeRetries)
            {
                throw new StableAvatarException("The video download kept breaking off.", isTransient: true);
            }
        }
    }

    /// <summary>Copies until the end, giving up (as an <see cref="IOException"/>, to resume) when no byte comes for the idle timeout.</summary>
    private async Task CopyWithWatchdogAsync(Stream body, Stream file, CancellationToken cancellationToken)
    {
        var buffer = new byte[81920];
        using var watchdog = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        while (true)
        {
            watchdog.CancelAfter(options.Value.IdleTimeout);
            int read;
            try
            {
                read = await body.ReadAsync(buffer, watchdog.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new IOException($"the download stalled for {options.Value.IdleTimeout.TotalSeconds:0} s");
            }

            if (read == 0)
            {
                return;
            }

            await file.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
        }
    }

    /// <summary>
    /// Sends a request that is safe to repeat: retried with exponential backoff and jitter on 502 (pod booting), 503
    /// (queue full) and refused connections, none of which started anything. Other failures are final.
    /// </summary>
    private async Task<HttpResponseMessage> SendSafelyAsync(
        Func<HttpRequestMessage> createRequest, CancellationToken cancellationToken, HttpCompletionOption completion = HttpCompletionOption.ResponseContentRead,
        int? retries = null)
    {
        var settings = options.Value;
        var safeRetries = retries ?? settings.SafeRetries;
        for (var attempt = 0; ; attempt++)
        {
            string problem;
            using var request = createRequest();
            Interlocked.Increment(ref _requests);
            try
            {
                var response = await http.SendAsync(request, completion, cancellationToken);
                if (response.StatusCode is not (HttpStatusCode.BadGateway or HttpStatusCode.ServiceUnavailable))
                {
                    if (response.IsSuccessStatusCode)
                    {
                        return response;
                    }

                    var body = await response.Content.ReadAsStringAsync(cancellationToken);
                    response.Dispose();
                    var hint = (int)response.StatusCode == 524
                        ? " (RunPod's proxy gave up waiting for the pod: it is overloaded or the app hangs; try again later)"
                        : "";
                    throw new StableAvatarException(
                        $"StableAvatar answered {(int)response.StatusCode} to {request.RequestUri!.AbsolutePath}: {Truncate(body)}{hint}",
                        isTransient: response.StatusCode is HttpStatusCode.GatewayTimeout or (HttpStatusCode)524 or HttpStatusCode.TooManyRequests);
                }

                problem = response.StatusCode == HttpStatusCode.BadGateway
                    ? "the pod answered 502 (still booting, or the app is not running)"
                    : "the queue is full (503)";
                response.Dispose();
            }
            catch (HttpRequestException exception) when (exception.InnerException is SocketException { SocketErrorCode: SocketError.ConnectionRefused })
            {
                problem = "the connection was refused";
            }

            if (attempt >= safeRetries)
            {
                throw new StableAvatarException($"StableAvatar is not available: {problem}, {attempt + 1} times.", isTransient: true);
            }

            var delay = Backoff(attempt, settings);
            LogRetrying(logger, request.RequestUri!.AbsolutePath, problem, delay.TotalMilliseconds);
            await Task.Delay(delay, cancellationToken);
        }
    }

    private static TimeSpan Backoff(int attempt, StableAvatarOptions settings)
    {
        var exponential = settings.RetryBaseDelay.TotalMilliseconds * Math.Pow(2, Math.Min(attempt, 16));
        var capped = Math.Min(exponential, settings.RetryMaxDelay.TotalMilliseconds);
        return TimeSpan.FromMilliseconds(capped / 2 + Random.Shared.NextDouble() * capped / 2);
    }

    private static async Task<JsonElement> ReadJsonAsync(HttpResponseMessage response, string what, CancellationToken cancellationToken)
    {
        try
        {
            return ParseJson(await response.Content.ReadAsStringAsync(cancellationToken));
        }
        catch (JsonException exception)
        {
            throw new StableAvatarException($"StableAvatar's {what} answer is not JSON; is StableAvatar:BaseUrl the Gradio app?", isTransient: false, exception);
        }
    }

    private static JsonElement ParseJson(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    /// <summary>
    /// Not a verdict on the job but its disappearance: the session was cleaned up before the stream opened
    /// ("404: Not Found"), or the app restarted ("Server stopped unexpectedly.").
    /// </summary>
    private static bool IsJobGone(string? message) =>
        message is not null
        && (message.StartsWith("404", StringComparison.Ordinal) || message.Contains("Server stopped unexpectedly", StringComparison.Ordinal));

    private static string? ErrorMessage(string data)
    {
        if (data.Length == 0 || data == "null")
        {
            return null;
        }

        try
        {
            var element = ParseJson(data);
            return element.ValueKind switch
            {
                JsonValueKind.String => element.GetString(),
                JsonValueKind.Object when element.TryGetProperty("error", out var error) && error.ValueKind == JsonValueKind.String => error.GetString(),
                _ => null,
            };
        }
        catch (JsonException)
        {
            return data;
        }
    }

    /// <summary>Sliders pass numbers through unchanged, and these reach places that need a Python int.</summary>
    private static readonly HashSet<string> IntegerParameters =
    [
        "seed_param", "num_inference_steps", "width", "height", "clip_sample_n_frames", "fps", "motion_frame",
        "overlap_window_length", "num_skip_start_steps",
    ];

    private static GradioParameter ReadParameter(JsonElement parameter)
    {
        var name = parameter.GetProperty("parameter_name").GetString()!;
        var hasDefault = parameter.TryGetProperty("parameter_has_default", out var has) && has.ValueKind == JsonValueKind.True;
        JsonElement? defaultValue = hasDefault && parameter.TryGetProperty("parameter_default", out var value) ? value.Clone() : null;
        var component = parameter.TryGetProperty("component", out var componentElement) ? componentElement.GetString() : null;
        var description = parameter.TryGetProperty("type", out var type) && type.TryGetProperty("description", out var text) ? text.GetString() : null;
        var (minimum, maximum) = Range(description);
        return new GradioParameter(name, hasDefault, defaultValue, component, IntegerParameters.Contains(name), minimum, maximum);
    }

    /// <summary>A Slider's schema says "numeric value between MIN and MAX".</summary>
    private static (double?, double?) Range(string? description)
    {
        var match = description is null ? null : RangePattern().Match(description);
        return match is { Success: true }
            ? (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : (null, null);
    }

    private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";

    [System.Text.RegularExpressions.GeneratedRegex(@"between\s+(-?[0-9.]+)\s+and\s+(-?[0-9.]+)")]
    private static partial System.Text.RegularExpressions.Regex RangePattern();

    [LoggerMessage(Level = LogLevel.Warning, Message = "StableAvatar {Path}: {Problem}; retrying in {DelayMs} ms")]
    private static partial void LogRetrying(ILogger logger, string path, string problem, double delayMs);
}
