using System.Net.Sockets;
using Microsoft.AspNetCore.Connections.Features;

namespace Deckard.OpenAIMock.Wire;

/// <summary>
/// Drops a connection the way a failing network does, but so that the client always receives what was sent before:
/// a FIN after the data already written (a reset could discard it in the client's buffers), then the abort.
/// </summary>
public static class ConnectionBreaker
{
    /// <summary>Time for Kestrel to hand the bytes already flushed to the socket before it is shut down.</summary>
    private static readonly TimeSpan TransportDrain = TimeSpan.FromMilliseconds(100);

    public static async Task BreakAsync(HttpContext context)
    {
        await Task.Delay(TransportDrain, CancellationToken.None);
        try
        {
            context.Features.Get<IConnectionSocketFeature>()?.Socket?.Shutdown(SocketShutdown.Send);
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            // Already gone: the break has happened.
        }

        context.Abort();
    }
}
