namespace Deckard.Hosting.Console;

/// <summary>Echoes resource output to the AppHost's console as <c>name | text</c>, a colour per resource.</summary>
internal sealed class ConsoleResourceLogSink : IResourceLogSink
{
    private static readonly ConsoleColor[] Palette =
        [ConsoleColor.Cyan, ConsoleColor.Green, ConsoleColor.Magenta, ConsoleColor.Yellow, ConsoleColor.Blue, ConsoleColor.DarkCyan, ConsoleColor.DarkGreen];

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ConsoleColor> _colours = new(StringComparer.Ordinal);
    private readonly int _nameWidth;

    public ConsoleResourceLogSink(IEnumerable<string> replicaNames)
    {
        _nameWidth = replicaNames.Select(name => name.Length).DefaultIfEmpty(8).Max();
    }

    public void Write(ResourceLogLine line)
    {
        lock (_gate)
        {
            if (!_colours.TryGetValue(line.Resource, out var colour))
            {
                colour = Palette[_colours.Count % Palette.Length];
                _colours[line.Resource] = colour;
            }

            var previous = System.Console.ForegroundColor;
            System.Console.ForegroundColor = colour;
            System.Console.Write(line.Replica.PadRight(_nameWidth));
            System.Console.Write(" | ");
            System.Console.ForegroundColor = line.IsError ? ConsoleColor.Red : line.IsSystem ? ConsoleColor.DarkGray : previous;
            System.Console.WriteLine(line.Text);
            System.Console.ForegroundColor = previous;
        }
    }
}
