using System.Text;
using System.Text.RegularExpressions;

namespace Deckard.Core.Search;

/// <summary>
/// The spoken version of a written answer: what a voice should read. Links keep their words and lose their URLs,
/// citation markers and bare URLs go, markdown marks go, code is skipped, and the text is cut at a sentence end
/// near <c>maxCharacters</c> so the answer stays short to listen to.
/// </summary>
public static partial class SpokenText
{
    public static string From(string answer, int maxCharacters)
    {
        var text = FencedCode().Replace(answer, " ");
        // "([example.com](https://...))": the citation markers web search adds after a sentence.
        text = ParenthesisedLinks().Replace(text, "");
        text = MarkdownLinks().Replace(text, "$1");
        text = BareUrls().Replace(text, "");
        text = InlineCode().Replace(text, "$1");
        var lines = new List<string>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = LinePrefix().Replace(rawLine.Trim(), "");
            line = Emphasis().Replace(line, "");
            line = line.Replace("|", " ", StringComparison.Ordinal).Trim();
            if (line.Length == 0 || TableRule().IsMatch(line))
            {
                continue;
            }

            // A line that does not end a sentence (a heading, a list item) is read as one.
            lines.Add(line.Length > 0 && !".!?:;".Contains(line[^1], StringComparison.Ordinal) ? line + "." : line);
        }

        var spoken = Spaces().Replace(string.Join(' ', lines), " ").Trim();
        spoken = EmptyBrackets().Replace(spoken, "");
        spoken = SpaceBeforePunctuation().Replace(spoken, "$1").Trim();
        return Shorten(spoken, maxCharacters);
    }

    /// <summary>Whole sentences up to the limit; a first sentence longer than the limit is cut at a word.</summary>
    private static string Shorten(string text, int maxCharacters)
    {
        if (text.Length <= maxCharacters)
        {
            return text;
        }

        var builder = new StringBuilder();
        foreach (Match sentence in Sentences().Matches(text))
        {
            if (builder.Length + sentence.Length > maxCharacters)
            {
                break;
            }

            builder.Append(sentence.Value);
        }

        if (builder.Length > 0)
        {
            return builder.ToString().Trim();
        }

        var cut = text[..maxCharacters];
        var lastSpace = cut.LastIndexOf(' ');
        return (lastSpace > 0 ? cut[..lastSpace] : cut).TrimEnd(',', ';', ':') + ".";
    }

    [GeneratedRegex(@"```.*?```", RegexOptions.Singleline)]
    private static partial Regex FencedCode();

    [GeneratedRegex(@"\s*\(\s*\[[^\]]*\]\([^)]*\)\s*\)")]
    private static partial Regex ParenthesisedLinks();

    [GeneratedRegex(@"!?\[([^\]]*)\]\([^)]*\)")]
    private static partial Regex MarkdownLinks();

    [GeneratedRegex(@"(?:https?://|www\.)\S+")]
    private static partial Regex BareUrls();

    [GeneratedRegex(@"`([^`]*)`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^(?:#{1,6}\s+|>\s*|[-*+]\s+|\d+[.)]\s+)+")]
    private static partial Regex LinePrefix();

    [GeneratedRegex(@"(\*\*|__|\*|~~)")]
    private static partial Regex Emphasis();

    [GeneratedRegex(@"^[\s:\-]+$")]
    private static partial Regex TableRule();

    [GeneratedRegex(@"\s+")]
    private static partial Regex Spaces();

    [GeneratedRegex(@"\(\s*\)|\[\s*\]")]
    private static partial Regex EmptyBrackets();

    [GeneratedRegex(@"\s+([.,;:!?])")]
    private static partial Regex SpaceBeforePunctuation();

    [GeneratedRegex(@"[^.!?]+[.!?]+[""')\]]*\s*")]
    private static partial Regex Sentences();
}
