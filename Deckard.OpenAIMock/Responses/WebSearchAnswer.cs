using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Scripting;

namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// The answer after a web search: text that cites each source inline as <c>([host](url))</c>, with a
/// <c>url_citation</c> annotation spanning each citation, as the real service writes them. Without scripted citations
/// the sources are a Wikipedia search and a Britannica search for the query (real pages, so links work in a demo).
/// </summary>
public sealed record WebSearchAnswer(string Text, JsonArray Annotations, IReadOnlyList<ScriptedCitation> Sources)
{
    public static WebSearchAnswer For(string query, string? scriptedText, IReadOnlyList<ScriptedCitation>? scriptedCitations)
    {
        var topic = query.Trim().TrimEnd('?', '.', '!').Trim();
        var escaped = Uri.EscapeDataString(topic);
        var sources = scriptedCitations is { Count: > 0 }
            ? scriptedCitations
            :
            [
                new ScriptedCitation { Url = $"https://en.wikipedia.org/w/index.php?search={escaped}", Title = $"{topic} - Wikipedia" },
                new ScriptedCitation { Url = $"https://www.britannica.com/search?query={escaped}", Title = $"{topic} | Britannica" },
            ];

        var text = new StringBuilder(scriptedText ?? $"Here is a short answer about \"{topic}\", drawn from {sources.Count} sources.");
        var annotations = new JsonArray();
        foreach (var source in sources)
        {
            text.Append(scriptedText is null ? $" {SentenceFor(source)}" : "").Append(' ');
            var start = text.Length;
            text.Append($"([{new Uri(source.Url).Host}]({source.Url}))");
            annotations.Add(new JsonObject
            {
                ["type"] = "url_citation",
                ["start_index"] = start,
                ["end_index"] = text.Length,
                ["url"] = source.Url,
                ["title"] = source.Title,
            });
            if (scriptedText is null)
            {
                text.Append('.');
            }
        }

        return new WebSearchAnswer(text.ToString(), annotations, sources);
    }

    private static string SentenceFor(ScriptedCitation source) => $"{source.Title} covers this subject";
}
