using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>A server-sent event stream read back: the JSON of each <c>data:</c> event, and whether it ended with <c>[DONE]</c>.</summary>
public sealed record ServerSentEvents(IReadOnlyList<JsonObject> Events, bool EndsWithDone)
{
    /// <summary>Events are separated by a blank line (CRLF or LF); only their <c>data:</c> lines are read.</summary>
    public static ServerSentEvents Parse(string body)
    {
        var events = new List<JsonObject>();
        var done = false;
        foreach (var block in body.Replace("\r\n", "\n", StringComparison.Ordinal).Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
        {
            var data = string.Join("\n", block.Split('\n')
                .Where(line => line.StartsWith("data:", StringComparison.Ordinal))
                .Select(line => line["data:".Length..].TrimStart()));
            if (data.Length == 0)
            {
                continue;
            }

            if (data == "[DONE]")
            {
                done = true;
                continue;
            }

            events.Add((JsonObject)JsonNode.Parse(data)!);
        }

        return new ServerSentEvents(events, done);
    }

    /// <summary>The event types in order, each run of one type (the deltas) written once.</summary>
    public IReadOnlyList<string> TypeSequence()
    {
        var sequence = new List<string>();
        foreach (var type in Events.Select(TypeOf))
        {
            if (sequence.Count == 0 || sequence[^1] != type)
            {
                sequence.Add(type);
            }
        }

        return sequence;
    }

    public static string TypeOf(JsonObject data) => (string?)data["type"] ?? "(no type)";
}
