namespace Deckard.UnitTests.Deployment;

/// <summary>
/// The block-style YAML subset a Render Blueprint is written in: nested mappings and sequences, plain or quoted
/// scalars, <c>[]</c>, comments. Mappings become dictionaries, sequences lists, scalars strings.
/// </summary>
internal static class Yaml
{
    public static object? Parse(string text)
    {
        var lines = text.Split('\n')
            .Select(line => WithoutComment(line.TrimEnd('\r')))
            .Where(line => line.Trim().Length > 0)
            .Select(line => (Indent: line.Length - line.TrimStart(' ').Length, Text: line.Trim()))
            .ToList();
        var index = 0;
        var document = lines.Count == 0 ? null : Block(lines, ref index, lines[0].Indent);
        return index == lines.Count ? document : throw new FormatException($"Unexpected indentation at '{lines[index].Text}'.");
    }

    public static IReadOnlyDictionary<string, object?> Map(object? node) =>
        node as IReadOnlyDictionary<string, object?> ?? throw new FormatException("Expected a mapping.");

    public static IReadOnlyList<object?> List(object? node) =>
        node as IReadOnlyList<object?> ?? (node is null ? [] : throw new FormatException("Expected a sequence."));

    private static object? Block(List<(int Indent, string Text)> lines, ref int index, int indent) =>
        IsItem(lines[index].Text) ? Sequence(lines, ref index, indent) : Mapping(lines, ref index, indent);

    private static List<object?> Sequence(List<(int Indent, string Text)> lines, ref int index, int indent)
    {
        var items = new List<object?>();
        while (index < lines.Count && lines[index].Indent == indent && IsItem(lines[index].Text))
        {
            var rest = lines[index].Text[1..].TrimStart();
            if (rest.Length == 0)
            {
                index++;
                items.Add(index < lines.Count && lines[index].Indent > indent ? Block(lines, ref index, lines[index].Indent) : null);
            }
            else if (KeyOf(rest) is not null)
            {
                // "- key: value" opens a mapping whose keys line up with "key".
                var inner = indent + (lines[index].Text.Length - rest.Length);
                lines[index] = (inner, rest);
                items.Add(Mapping(lines, ref index, inner));
            }
            else
            {
                items.Add(Scalar(rest));
                index++;
            }
        }

        return items;
    }

    private static Dictionary<string, object?> Mapping(List<(int Indent, string Text)> lines, ref int index, int indent)
    {
        var map = new Dictionary<string, object?>(StringComparer.Ordinal);
        while (index < lines.Count && lines[index].Indent == indent && !IsItem(lines[index].Text))
        {
            var text = lines[index].Text;
            var key = KeyOf(text) ?? throw new FormatException($"Expected 'key: value' at '{text}'.");
            var rest = text[(key.Length + 1)..].Trim();
            index++;
            if (rest.Length > 0)
            {
                map[Unquote(key)] = Scalar(rest);
            }
            else if (index < lines.Count && (lines[index].Indent > indent || (lines[index].Indent == indent && IsItem(lines[index].Text))))
            {
                map[Unquote(key)] = Block(lines, ref index, lines[index].Indent);
            }
            else
            {
                map[Unquote(key)] = null;
            }
        }

        return map;
    }

    private static bool IsItem(string text) => text == "-" || text.StartsWith("- ", StringComparison.Ordinal);

    /// <summary>The key of <c>key: value</c> or <c>key:</c>; null for a plain scalar.</summary>
    private static string? KeyOf(string text)
    {
        if (text.StartsWith('"') || text.StartsWith('\'') || text.StartsWith('['))
        {
            return null;
        }

        var colon = text.IndexOf(": ", StringComparison.Ordinal);
        return colon > 0 ? text[..colon] : text.EndsWith(':') ? text[..^1] : null;
    }

    private static object Scalar(string text) => text == "[]" ? new List<object?>() : Unquote(text);

    private static string Unquote(string text) =>
        text.Length >= 2 && (text[0] == '"' || text[0] == '\'') && text[^1] == text[0] ? text[1..^1] : text;

    /// <summary>A <c>#</c> at the start or after a space begins a comment, unless it is inside quotes.</summary>
    private static string WithoutComment(string line)
    {
        var quote = '\0';
        for (var index = 0; index < line.Length; index++)
        {
            var character = line[index];
            if (quote != '\0')
            {
                quote = character == quote ? '\0' : quote;
            }
            else if (character is '"' or '\'')
            {
                quote = character;
            }
            else if (character == '#' && (index == 0 || line[index - 1] == ' '))
            {
                return line[..index];
            }
        }

        return line;
    }
}
