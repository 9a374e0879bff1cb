using System.Threading.Channels;

namespace Deckard.RunPodMock.Queue;

/// <summary>
/// Gradio's <c>pending_messages_per_session[session_hash]</c>: the messages waiting for the session's stream, kept
/// until read, so a client may join now and open the stream later. The stand-in also steers its stream from here:
/// a proxy cut (drop) or a silent connection (heartbeats stopping).
/// </summary>
public sealed class SessionMailbox(string sessionHash)
{
    private readonly Channel<QueueMessage> _messages = Channel.CreateUnbounded<QueueMessage>(new UnboundedChannelOptions
    {
        SingleReader = false,
        SingleWriter = false,
    });

    private readonly CancellationTokenSource _cut = new();
    private volatile bool _silenced;

    public string SessionHash { get; } = sessionHash;

    public ChannelReader<QueueMessage> Reader => _messages.Reader;

    public void Post(QueueMessage message) => _messages.Writer.TryWrite(message);

    /// <summary>Cancelled when the stand-in cuts the session's stream (a proxy drop or a server restart).</summary>
    public CancellationToken Cut => _cut.Token;

    public bool IsSilenced => _silenced;

    /// <summary>The proxy cuts whichever stream carries this session, now or when it next opens.</summary>
    public void RequestCut()
    {
        try
        {
            _cut.Cancel();
        }
        catch (ObjectDisposedException)
        {
            // Already closed by a reset: nothing is listening.
        }
    }

    /// <summary>From now on the stream writes nothing at all (no result, no heartbeat) while the connection stays open.</summary>
    public void Silence() => _silenced = true;

    public bool TryRead(out QueueMessage? message) => _messages.Reader.TryRead(out message);
}
