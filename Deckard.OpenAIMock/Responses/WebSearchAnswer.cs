using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deckard.OpenAIMock.Scripting;

namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// The answer after a web search, written the way the real service writes one (recorded in
/// <c>ResponsesToolTests/WebSearchCall*.json</c>): a few sentences of markdown, each source cited inline right after the
/// sentence it supports as <c> ([host](url))</c>, with a <c>url_citation</c> annotation whose
/// <c>start_index</c>/<c>end_index</c> span exactly that parenthesis. Without scripted citations the sources are a
/// Wikipedia search and a Britannica search for the question (real pages, so links work in a demo), tagged
/// <c>utm_source=openai</c> as real citations are. Scripted citations go after the scripted text's sentences, in order
/// (the rest at the end); an empty list gives an answer that cites nothing.
/// </summary>
public sealed partial record WebSearchAnswer(string Text, JsonArray Annotations, IReadOnlyList<ScriptedCitation> Sources)
{
    public static WebSearchAnswer For(string question, string? scriptedText, IReadOnlyList<ScriptedCitation>? scriptedCitations)
    {
        var topic = question.Trim().TrimEnd('?', '.', '!').Trim();
        var sources = scriptedCitations ?? DefaultSources(topic);
        var (text, citationPlaces) = scriptedText is null
            ? DefaultText(topic, sources)
            : (scriptedText, SentenceEnd().Matches(scriptedText).Select(match => match.Index + match.Length).ToList());
        var (cited, annotations) = Cite(text, citationPlaces, sources);
        return new WebSearchAnswer(cited, annotations, sources);
    }

    private static List<ScriptedCitation> DefaultSources(string topic)
    {
        var escaped = Uri.EscapeDataString(topic);
        return
        [
            new ScriptedCitation { Url = $"https://en.wikipedia.org/w/index.php?search={escaped}&utm_source=openai", Title = $"{topic} - Wikipedia" },
            new ScriptedCitation { Url = $"https://www.britannica.com/search?query={escaped}&utm_source=openai", Title = $"{topic} | Britannica" },
        ];
    }

    /// <summary>An opening line, one bullet per source (its citation goes at the bullet's end), and a closing paragraph.</summary>
    private static (string Text, List<int> CitationPlaces) DefaultText(string topic, IReadOnlyList<ScriptedCitation> sources)
    {
        if (sources.Count == 0)
        {
            return ($"Here is a short answer about **{topic}**.\n\nThe search found nothing worth citing, so this answer rests on general knowledge.", []);
        }

        var text = new StringBuilder($"Here is a short answer about **{topic}**, drawn from {sources.Count} source{(sources.Count == 1 ? "" : "s")}:\n\n");
        var places = new List<int>();
        foreach (var source in sources)
        {
            text.Append($"- **{source.Title}** gives an overview of the subject.");
            places.Add(text.Length);
            text.Append('\n');
        }

        return (text.Append("\nThe sources agree on the main points; follow the links for the details.").ToString(), places);
    }

    /// <summary>Puts citation i at place i of the text (at the end when there are fewer places than citations).</summary>
    private static (string Text, JsonArray Annotations) Cite(string text, IReadOnlyList<int> places, IReadOnlyList<ScriptedCitation> sources)
    {
        var cited = new StringBuilder();
        var annotations = new JsonArray();
        var copied = 0;
        for (var index = 0; index < sources.Count; index++)
        {
            var cut = index < places.Count ? places[index] : text.Length;
            cited.Append(text, copied, cut - copied).Append(' ');
            copied = cut;

            var source = sources[index];
            var start = cited.Length;
            cited.Append($"([{Label(source.Url)}]({source.Url}))");
            annotations.Add(new JsonObject
            {
                ["type"] = "url_citation",
                ["end_index"] = cited.Length,
                ["start_index"] = start,
                ["title"] = source.Title,
                ["url"] = source.Url,
            });
        }

        cited.Append(text, copied, text.Length - copied);
        return (cited.ToString(), annotations);
    }

    /// <summary>The link text the service shows: the host without <c>www.</c>.</summary>
    private static string Label(string url)
    {
        var host = new Uri(url).Host;
        return host.StartsWith("www.", StringComparison.OrdinalIgnoreCase) ? host[4..] : host;
    }

    [GeneratedRegex(@"[.!?](?=\s|$)")]
    private static partial Regex SentenceEnd();
}
