using System.Globalization;

namespace Deckard.Benchmarks;

/// <summary>Resident memory from /proc/{pid}/status, in MiB.</summary>
internal static class ProcessMemory
{
    public static double ResidentMiB(int pid) => ReadKiB(pid, "VmRSS:") / 1024.0;

    public static double PeakResidentMiB(int pid) => ReadKiB(pid, "VmHWM:") / 1024.0;

    /// <summary>
    /// Proportional set size: shared pages divided among the processes sharing them, so a sum over many processes
    /// (DCP's per-process monitors share one binary) does not count the same page many times.
    /// </summary>
    public static double ProportionalMiB(int pid) => ReadKiB(pid, "Pss:", "smaps_rollup") / 1024.0;

    public static IReadOnlyList<int> Children(int parent) =>
        Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => ParentOf(pid) == parent)
            .ToList();

    /// <summary>
    /// Aspire's orchestrator (DCP) processes that watch <paramref name="monitoredPid"/> (<c>--monitor {pid}</c>): DCP
    /// detaches from the process that started it, and every server and service it starts descends from these.
    /// </summary>
    public static IEnumerable<int> Orchestrators(int monitoredPid)
    {
        var monitor = $"--monitor {monitoredPid.ToString(CultureInfo.InvariantCulture)} ";
        return Directory.EnumerateDirectories("/proc")
            .Select(Path.GetFileName)
            .Where(name => int.TryParse(name, out _))
            .Select(name => int.Parse(name!, CultureInfo.InvariantCulture))
            .Where(pid => CommandLine(pid) is var line && line.Contains(monitor, StringComparison.Ordinal) && line.Split(' ', 2)[0].EndsWith("/dcp", StringComparison.Ordinal));
    }

    /// <summary>Children, grandchildren and so on.</summary>
    public static IReadOnlyList<int> Descendants(int parent)
    {
        var found = new List<int>();
        var frontier = new Queue<int>([parent]);
        while (frontier.Count > 0)
        {
            foreach (var child in Children(frontier.Dequeue()))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }

        return found;
    }

    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }

    public static int ParentOf(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return -1;
        }
    }

    private static long ReadKiB(int pid, string field, string file = "status")
    {
        try
        {
            var line = File.ReadLines($"/proc/{pid}/{file}").FirstOrDefault(l => l.StartsWith(field, StringComparison.Ordinal));
            return line is null ? 0 : long.Parse(line[field.Length..].Trim().Split(' ')[0], CultureInfo.InvariantCulture);
        }
        catch (IOException)
        {
            return 0;
        }
    }
}
