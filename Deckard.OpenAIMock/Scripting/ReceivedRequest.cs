using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Scripting;

/// <summary>
/// One call the stand-in received, as the journal shows it: never audio or image bytes, only their sizes.
/// Filled in by the handler while the call runs; read through <see cref="Snapshot"/>.
/// </summary>
public sealed class ReceivedRequest(long sequence, DateTimeOffset receivedAt, string method, string path)
{
    private const int MaxListLength = 500;
    private readonly Lock _gate = new();
    private string? _endpoint;
    private string? _model;
    private int? _status;
    private double? _durationMs;
    private bool _scripted;
    private JsonObject _summary = [];

    public long Sequence { get; } = sequence;

    public void Describe(MockEndpoint endpoint, string? model, JsonObject summary)
    {
        lock (_gate)
        {
            _endpoint = endpoint.ToName();
            _model = model;
            _summary = summary;
        }
    }

    public void MarkScripted()
    {
        lock (_gate)
        {
            _scripted = true;
        }
    }

    public void SetStatus(int status)
    {
        lock (_gate)
        {
            _status = status;
        }
    }

    public void SetDuration(TimeSpan duration)
    {
        lock (_gate)
        {
            _durationMs = Math.Round(duration.TotalMilliseconds, 3);
        }
    }

    /// <summary>Sets one value of the summary once the call has been answered, e.g. how many web searches it made.</summary>
    public void SetSummaryValue(string name, JsonNode? value)
    {
        lock (_gate)
        {
            _summary[name] = value;
        }
    }

    /// <summary>Adds a value to a list in the summary, e.g. the type of each realtime client event.</summary>
    public void AppendToSummary(string listName, string value)
    {
        lock (_gate)
        {
            if (_summary[listName] is not JsonArray list)
            {
                list = [];
                _summary[listName] = list;
            }

            // A long realtime session sends thousands of audio appends; the journal keeps the start of it.
            if (list.Count < MaxListLength)
            {
                list.Add(value);
            }
        }
    }

    public JsonObject Snapshot()
    {
        lock (_gate)
        {
            return new JsonObject
            {
                ["sequence"] = Sequence,
                ["received_at"] = receivedAt.ToString("O"),
                ["method"] = method,
                ["path"] = path,
                ["endpoint"] = _endpoint,
                ["model"] = _model,
                ["status"] = _status,
                ["duration_ms"] = _durationMs,
                ["scripted"] = _scripted,
                ["summary"] = _summary.DeepClone(),
            };
        }
    }
}
