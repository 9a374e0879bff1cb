using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.Admin;

/// <summary>One request the Gradio surface received, as the admin API reports it (sizes, never contents).</summary>
public sealed class ReceivedRequest(long sequence, DateTimeOffset receivedAt, string method, string path, string query, string? contentType, long? contentLength, string? range)
{
    private readonly Lock _gate = new();
    private int? _status;
    private double? _elapsedMs;
    private bool _aborted;

    public long Sequence { get; } = sequence;

    public void SetStatus(int status)
    {
        lock (_gate)
        {
            _status = status;
        }
    }

    public void Complete(double elapsedMs, bool aborted)
    {
        lock (_gate)
        {
            _elapsedMs = elapsedMs;
            _aborted = aborted;
        }
    }

    public JsonObject Snapshot()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["sequence"] = Sequence,
                ["received_at"] = receivedAt,
                ["method"] = method,
                ["path"] = path,
                ["query"] = query.Length == 0 ? null : query,
                ["content_type"] = contentType,
                ["content_length"] = contentLength,
                ["range"] = range,
                ["status"] = _status,
                ["elapsed_ms"] = _elapsedMs is { } elapsed ? Math.Round(elapsed, 1) : null,
                ["completed"] = _elapsedMs is not null,
                ["aborted"] = _aborted,
            };
        }
    }
}
