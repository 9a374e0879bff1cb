using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>One request and its response as openai-dotnet's test recorder stored them.</summary>
public sealed record RecordedExchange(
    string Method,
    string Path,
    JsonNode? RequestBody,
    int Status,
    IReadOnlyDictionary<string, string> ResponseHeaders,
    JsonNode? ResponseBody)
{
    public string? Header(string name) =>
        ResponseHeaders.FirstOrDefault(pair => string.Equals(pair.Key, name, StringComparison.OrdinalIgnoreCase)).Value;

    /// <summary>A streamed body: the recorder keeps it as the list of lines it read.</summary>
    public string StreamedBody() => string.Concat(((JsonArray)ResponseBody!).Select(line => (string?)line));
}

/// <summary>A session recorded against api.openai.com, copied into Fidelity/Recordings (see SOURCE.md there).</summary>
public static class SessionRecord
{
    public static IReadOnlyList<RecordedExchange> Load(string relativePath)
    {
        var path = Path.Combine(AppContext.BaseDirectory, "Fidelity", "Recordings", relativePath);
        var document = JsonNode.Parse(File.ReadAllText(path))!;
        return [.. ((JsonArray)document["Entries"]!).Select(entry => Exchange((JsonObject)entry!))];
    }

    /// <summary>The recording's exchanges with one endpoint, e.g. <c>POST /v1/responses</c>, in order.</summary>
    public static IReadOnlyList<RecordedExchange> Load(string relativePath, string method, string path) =>
        [.. Load(relativePath).Where(exchange => exchange.Method == method && exchange.Path == path)];

    private static RecordedExchange Exchange(JsonObject entry)
    {
        var headers = ((JsonObject)entry["ResponseHeaders"]!).ToDictionary(
            pair => pair.Key,
            pair => pair.Value is JsonArray values ? string.Join(", ", values.Select(value => (string?)value)) : (string?)pair.Value ?? "");
        return new RecordedExchange(
            (string)entry["RequestMethod"]!,
            new Uri((string)entry["RequestUri"]!).AbsolutePath,
            entry["RequestBody"]?.DeepClone(),
            (int)entry["StatusCode"]!,
            headers,
            entry["ResponseBody"]?.DeepClone());
    }
}
