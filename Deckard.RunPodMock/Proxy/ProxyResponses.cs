namespace Deckard.RunPodMock.Proxy;

/// <summary>What RunPod's proxy (Cloudflare in front of the pod) answers when the pod cannot.</summary>
public static class ProxyResponses
{
    /// <summary>502 while nothing listens on the pod's port (booting, loading models, crashed).</summary>
    public static Task BadGatewayAsync(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status502BadGateway;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            "<html><head><title>502 Bad Gateway</title></head><body><center><h1>502 Bad Gateway</h1></center>" +
            "<center>The pod is not ready: nothing listens on port 7860 yet.</center></body></html>\n");
    }

    /// <summary>Cloudflare's 524: the origin did not answer within the proxy timeout (100 s on RunPod).</summary>
    public static Task TimeoutAsync(HttpContext context)
    {
        context.Response.StatusCode = 524;
        context.Response.ContentType = "text/html; charset=utf-8";
        return context.Response.WriteAsync(
            "<html><head><title>524: A timeout occurred</title></head><body><h1>Error code 524</h1>" +
            "<p>The origin web server timed out responding to this request.</p></body></html>\n");
    }
}
