using System.Net;
using System.Net.Sockets;

namespace Deckard.Hosting.Networking;

/// <summary>
/// Ports by binding: a free one is what the OS hands out for port 0 on loopback; a fixed one is checked by binding
/// it, so a taken port is reported before anything starts, naming the setting that moves it.
/// </summary>
public sealed class PortAllocator
{
    private readonly HashSet<int> _handedOut = [];
    private readonly Lock _gate = new();

    public int AllocateFree()
    {
        lock (_gate)
        {
            // The OS may hand the same ephemeral port out twice once released; never give one out twice in a run.
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var port = BindAndRelease(0);
                if (_handedOut.Add(port))
                {
                    return port;
                }
            }

            throw new DeckardHostingException("Could not find a free TCP port on 127.0.0.1 after 50 attempts.");
        }
    }

    /// <summary>Checks that <paramref name="port"/> can be bound now; if not, a <see cref="DeckardHostingException"/> names the setting to change.</summary>
    public int Reserve(int port, string resourceName, string portSetting)
    {
        lock (_gate)
        {
            if (!_handedOut.Add(port))
            {
                throw new DeckardHostingException(
                    $"Port {port} is given to two resources; set {portSetting} (environment {portSetting.Replace(":", "__", StringComparison.Ordinal)}) to another port for '{resourceName}'.");
            }

            try
            {
                BindAndRelease(port);
                return port;
            }
            catch (SocketException exception) when (exception.SocketErrorCode is SocketError.AddressAlreadyInUse or SocketError.AccessDenied)
            {
                _handedOut.Remove(port);
                throw new DeckardHostingException(
                    $"Port {port} for '{resourceName}' is already in use. Stop whatever listens on it (e.g. an earlier AppHost: " +
                    $"`ss -ltnp 'sport = :{port}'` shows it), or set {portSetting} " +
                    $"(environment {portSetting.Replace(":", "__", StringComparison.Ordinal)}) to another port.",
                    exception);
            }
        }
    }

    private static int BindAndRelease(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        listener.Listen(1);
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
