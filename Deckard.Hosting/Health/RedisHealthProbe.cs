using System.Net.Sockets;
using System.Text;

namespace Deckard.Hosting.Health;

/// <summary>
/// <c>AUTH</c> then <c>PING</c> over one short-lived TCP connection (RESP), expecting <c>+OK</c> and <c>+PONG</c>.
/// A raw exchange keeps the AppHost free of a client library's background connections for a one-line question.
/// </summary>
public sealed class RedisHealthProbe(string host, int port, string? password) : IHealthProbe
{
    public async Task<HealthProbeResult> CheckAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TimeSpan.FromSeconds(2));
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(host, port, timeout.Token);
            var stream = client.GetStream();
            var request = new StringBuilder();
            if (!string.IsNullOrEmpty(password))
            {
                request.Append(Command("AUTH", password));
            }

            request.Append(Command("PING"));
            await stream.WriteAsync(Encoding.UTF8.GetBytes(request.ToString()), timeout.Token);

            using var reader = new StreamReader(stream, Encoding.UTF8);
            if (!string.IsNullOrEmpty(password))
            {
                var auth = await reader.ReadLineAsync(timeout.Token);
                if (auth != "+OK")
                {
                    return HealthProbeResult.Unhealthy($"AUTH answered {auth}");
                }
            }

            var pong = await reader.ReadLineAsync(timeout.Token);
            return pong == "+PONG" ? HealthProbeResult.Healthy : HealthProbeResult.Unhealthy($"PING answered {pong}");
        }
        catch (Exception exception) when (exception is SocketException or IOException or OperationCanceledException
                                              && !cancellationToken.IsCancellationRequested)
        {
            return HealthProbeResult.Unhealthy($"{host}:{port} did not answer: {exception.Message}");
        }
    }

    private static string Command(params string[] parts)
    {
        var builder = new StringBuilder().Append('*').Append(parts.Length).Append("\r\n");
        foreach (var part in parts)
        {
            builder.Append('$').Append(Encoding.UTF8.GetByteCount(part)).Append("\r\n").Append(part).Append("\r\n");
        }

        return builder.ToString();
    }

    public ValueTask DisposeAsync() => ValueTask.CompletedTask;
}
