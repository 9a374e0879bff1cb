using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Gradio;

namespace Deckard.RunPodMock.Queue;

/// <summary>How a queue message is written on a stream; null means the stream skips it.</summary>
public interface IStreamFormat
{
    string? Format(QueueMessage message);
}

/// <summary>
/// <c>GET {prefix}/call/{api}/{event_id}</c>: named SSE events (<c>complete</c>, <c>error</c>, <c>heartbeat</c>) whose
/// <c>data:</c> is Python <c>json.dumps</c> output. Queue positions and process starts are dropped, as Gradio drops them.
/// </summary>
public sealed class CallStreamFormat(GradioFlavor flavor) : IStreamFormat
{
    public string? Format(QueueMessage message) => message.Kind switch
    {
        QueueMessageKind.ProcessCompleted when message.Success => Frame("complete", message.Output["data"]),
        QueueMessageKind.ProcessCompleted => Frame("error", flavor.CallErrorCarriesObject ? ErrorObject(message.Output) : null),
        QueueMessageKind.Heartbeat => Frame("heartbeat", null),
        QueueMessageKind.UnexpectedError => Frame("error", message.Body["message"]),
        _ => null,
    };

    /// <summary>Gradio 6.13+: the error object, with the fields a gr.Error carries (null text for a hidden crash).</summary>
    private static JsonObject ErrorObject(JsonObject output) => new()
    {
        ["error"] = output["error"]?.DeepClone(),
        ["duration"] = output["duration"]?.DeepClone(),
        ["visible"] = output["visible"]?.DeepClone() ?? true,
        ["title"] = output["title"]?.DeepClone() ?? "Error",
    };

    private static string Frame(string name, JsonNode? data) => $"event: {name}\ndata: {PythonJson.Dumps(data)}\n\n";
}

/// <summary><c>GET {prefix}/queue/data</c>: every message as <c>data: {compact json}</c>, no <c>event:</c> line.</summary>
public sealed class QueueDataFormat : IStreamFormat
{
    public static QueueDataFormat Instance { get; } = new();

    public string? Format(QueueMessage message) => $"data: {WireJson.Serialize(message.Body)}\n\n";
}
