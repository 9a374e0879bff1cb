using System.Text.Json;
using System.Text.RegularExpressions;

namespace Deckard.UnitTests.Deployment;

/// <summary>One Dockerfile instruction: <c>COPY a b</c> is (<c>COPY</c>, <c>a b</c>), continuation lines joined.</summary>
internal sealed record DockerInstruction(string Keyword, string Arguments)
{
    /// <summary>The arguments without leading <c>--flag[=value]</c> options.</summary>
    public IReadOnlyList<string> Words => [.. Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).SkipWhile(word => word.StartsWith("--", StringComparison.Ordinal))];

    public string? Flag(string name) => Arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries)
        .TakeWhile(word => word.StartsWith("--", StringComparison.Ordinal))
        .Select(word => word.Split('=', 2))
        .Where(parts => parts[0] == "--" + name)
        .Select(parts => parts.Length > 1 ? parts[1] : "")
        .FirstOrDefault();

    /// <summary>The exec form <c>["a", "b"]</c> (after any options, e.g. HEALTHCHECK's <c>CMD</c>) as its words.</summary>
    public IReadOnlyList<string> Exec => Arguments.IndexOf('[', StringComparison.Ordinal) is var start and >= 0
        ? JsonSerializer.Deserialize<string[]>(Arguments[start..]) ?? []
        : throw new InvalidOperationException($"{Keyword} is not in exec form: {Arguments}");
}

/// <summary>Enough of a Dockerfile's grammar to check what the images copy, run and expose (no engine runs here).</summary>
internal sealed class Dockerfile
{
    private Dockerfile(IReadOnlyList<IReadOnlyList<DockerInstruction>> stages) => Stages = stages;

    /// <summary>Each stage's instructions, its <c>FROM</c> first.</summary>
    public IReadOnlyList<IReadOnlyList<DockerInstruction>> Stages { get; }

    public IReadOnlyList<DockerInstruction> Final => Stages[^1];

    public IEnumerable<DockerInstruction> All => Stages.SelectMany(stage => stage);

    public static Dockerfile Parse(string text)
    {
        var instructions = new List<DockerInstruction>();
        var pending = "";
        foreach (var raw in text.Split('\n'))
        {
            var line = raw.TrimEnd('\r', ' ', '\t');
            if (pending.Length == 0 && (line.TrimStart().StartsWith('#') || line.Trim().Length == 0))
            {
                continue;
            }

            if (pending.Length > 0 && line.TrimStart().StartsWith('#'))
            {
                continue; // a comment inside a continued instruction
            }

            if (line.EndsWith('\\'))
            {
                pending += line[..^1].Trim() + " ";
                continue;
            }

            var whole = (pending + line.Trim()).Trim();
            pending = "";
            var space = whole.IndexOf(' ', StringComparison.Ordinal);
            instructions.Add(space < 0
                ? new DockerInstruction(whole.ToUpperInvariant(), "")
                : new DockerInstruction(whole[..space].ToUpperInvariant(), Regex.Replace(whole[(space + 1)..].Trim(), @"\s+", " ")));
        }

        var stages = new List<IReadOnlyList<DockerInstruction>>();
        foreach (var instruction in instructions)
        {
            if (instruction.Keyword == "FROM")
            {
                stages.Add(new List<DockerInstruction> { instruction });
            }
            else if (stages.Count == 0)
            {
                throw new InvalidOperationException($"{instruction.Keyword} before the first FROM.");
            }
            else
            {
                ((List<DockerInstruction>)stages[^1]).Add(instruction);
            }
        }

        return new Dockerfile(stages);
    }

    /// <summary><c>ENV</c> settings in a stage, in the <c>KEY=value</c> form (later ones win).</summary>
    public static IReadOnlyDictionary<string, string> Environment(IEnumerable<DockerInstruction> stage)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var instruction in stage.Where(instruction => instruction.Keyword == "ENV"))
        {
            foreach (Match pair in Regex.Matches(instruction.Arguments, "([A-Za-z_][A-Za-z0-9_]*)=(\"[^\"]*\"|\\S*)"))
            {
                environment[pair.Groups[1].Value] = pair.Groups[2].Value.Trim('"');
            }
        }

        return environment;
    }
}

/// <summary>Docker's <c>.dockerignore</c>: glob patterns, <c>!</c> exceptions, the last matching line wins.</summary>
internal sealed class DockerIgnore(IReadOnlyList<(bool Exclude, Regex Pattern)> rules)
{
    public static DockerIgnore Parse(string? text) => new([.. (text ?? "").Split('\n')
        .Select(line => line.Trim())
        .Where(line => line.Length > 0 && !line.StartsWith('#'))
        .Select(line => (Exclude: !line.StartsWith('!'), Glob: line.TrimStart('!').Trim('/')))
        .Select(rule => (rule.Exclude, new Regex("^" + Regex.Escape(rule.Glob)
            .Replace(@"\*\*/", "(.*/)?", StringComparison.Ordinal)
            .Replace(@"\*\*", ".*", StringComparison.Ordinal)
            .Replace(@"\*", "[^/]*", StringComparison.Ordinal)
            .Replace(@"\?", "[^/]", StringComparison.Ordinal) + "$")))]);

    /// <summary>Whether a path in the context is left out: it, or a folder above it, matches an excluding rule.</summary>
    public bool Excludes(string path)
    {
        var parts = path.Trim('/').Split('/');
        for (var length = 1; length <= parts.Length; length++)
        {
            var prefix = string.Join('/', parts[..length]);
            var excluded = false;
            foreach (var (exclude, pattern) in rules)
            {
                if (pattern.IsMatch(prefix))
                {
                    excluded = exclude;
                }
            }

            if (excluded)
            {
                return true;
            }
        }

        return false;
    }
}
