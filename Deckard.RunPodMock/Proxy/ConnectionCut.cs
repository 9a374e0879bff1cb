namespace Deckard.RunPodMock.Proxy;

/// <summary>
/// Ends a response mid-body the way a dropped connection looks to the client: what was written arrives, then the
/// connection breaks without the final chunk. The break waits a moment (or for the client to let go) so the last
/// bytes are on the wire before the connection is reset.
/// </summary>
public static class ConnectionCut
{
    public static async Task CutAsync(HttpContext context, TimeSpan grace)
    {
        try
        {
            await context.Response.Body.FlushAsync(context.RequestAborted);
            await Task.Delay(grace, context.RequestAborted);
        }
        catch (Exception exception) when (exception is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // The client saw the end and left, or was already gone.
        }

        context.Abort();
    }

    /// <summary>The short wait for a message the client must read before the cut.</summary>
    public static Task CutAfterDeliveryAsync(HttpContext context) => CutAsync(context, TimeSpan.FromMilliseconds(500));
}
