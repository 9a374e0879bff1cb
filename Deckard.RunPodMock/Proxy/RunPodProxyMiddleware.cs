using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Faults;

namespace Deckard.RunPodMock.Proxy;

/// <summary>
/// RunPod's proxy in front of the Gradio surface: 502 while the pod boots, and 524 for a request an injected
/// <c>proxy_timeout</c> holds past the proxy timeout. The admin API and health probes sit beside the proxy, not behind it.
/// </summary>
public sealed class RunPodProxyMiddleware(RequestDelegate next, FaultBoard faults, LiveSettings settings, TimeProvider clock, ILogger<RunPodProxyMiddleware> logger)
{
    public async Task InvokeAsync(HttpContext context)
    {
        if (!IsBehindProxy(context.Request.Path))
        {
            await next(context);
            return;
        }

        if (faults.BootRemaining() is { } remaining)
        {
            logger.LogDebug("502 for {Path}: the pod boots for {Seconds:0.0} s more", context.Request.Path, remaining.TotalSeconds);
            await ProxyResponses.BadGatewayAsync(context);
            return;
        }

        if (!IsStream(context.Request) && faults.TryConsume(FaultKind.ProxyTimeout, context.Request.Path.Value) is not null)
        {
            try
            {
                await Task.Delay(settings.Current.ProxyTimeout, clock, context.RequestAborted);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            logger.LogInformation("524 for {Method} {Path}: held past the proxy timeout", context.Request.Method, context.Request.Path);
            await ProxyResponses.TimeoutAsync(context);
            return;
        }

        await next(context);
    }

    public static bool IsBehindProxy(PathString path) =>
        !path.StartsWithSegments("/admin") && !path.StartsWithSegments("/health") && !path.StartsWithSegments("/alive");

    /// <summary>Streams answer their headers at once, so the proxy never times them out.</summary>
    private static bool IsStream(HttpRequest request)
    {
        var path = request.Path.Value ?? "";
        return HttpMethods.IsGet(request.Method)
            && (path.Contains("/queue/data", StringComparison.Ordinal)
                || path.Contains("/heartbeat/", StringComparison.Ordinal)
                || (path.Contains("/call/", StringComparison.Ordinal) && path.Count(character => character == '/') >= 3));
    }
}
