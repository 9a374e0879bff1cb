using Deckard.Hosting.Orchestration;

namespace Deckard.Hosting.Console;

/// <summary>The table a person reads once everything is up: each resource, its state, and where it answers.</summary>
internal static class ConsoleSummary
{
    public static void Write(TextWriter writer, IReadOnlyList<ResourceSnapshot> resources, IReadOnlyList<ReplicaSupervisor> replicas, AppHostOptions options)
    {
        var rows = new List<string[]> { new[] { "RESOURCE", "TYPE", "STATE", "PID", "ENDPOINT" } };
        foreach (var supervisor in replicas)
        {
            var snapshot = resources.First(resource => resource.Name == supervisor.Replica.Resource.Name);
            var replica = snapshot.Replicas[supervisor.Replica.Index];
            rows.Add([replica.Name, snapshot.Type, replica.DisplayState, replica.ProcessId?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "-", supervisor.Launcher.Describe(supervisor.Replica)]);
        }

        var widths = Enumerable.Range(0, rows[0].Length).Select(column => rows.Max(row => row[column].Length)).ToArray();
        writer.WriteLine();
        foreach (var row in rows)
        {
            writer.WriteLine("  " + string.Join("  ", row.Select((cell, column) => cell.PadRight(widths[column]))).TrimEnd());
        }

        writer.WriteLine();
        writer.WriteLine($"  State folder: {options.StateDirectory} (generated passwords in parameters.json)");
        writer.WriteLine("  Press Ctrl+C to stop everything.");
        writer.WriteLine();
        writer.Flush();
    }
}
