using System.Globalization;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>What the kernel says about processes, read from /proc (no ps parsing).</summary>
public static class ProcessTable
{
    /// <summary>Alive and not a zombie waiting to be reaped.</summary>
    public static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/stat";
        try
        {
            var stat = File.ReadAllText(status);
            return State(stat) is not ('Z' or 'X');
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException)
        {
            return false;
        }
    }

    /// <summary>Every living descendant of <paramref name="pid"/> (children, grandchildren...).</summary>
    public static IReadOnlyList<int> Descendants(int pid)
    {
        var parents = new Dictionary<int, int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var candidate))
            {
                continue;
            }

            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                if (State(stat) is not ('Z' or 'X'))
                {
                    parents[candidate] = ParentId(stat);
                }
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException)
            {
                // Exited while we looked.
            }
        }

        var found = new List<int>();
        var frontier = new Queue<int>([pid]);
        while (frontier.Count > 0)
        {
            var parent = frontier.Dequeue();
            foreach (var (child, _) in parents.Where(pair => pair.Value == parent))
            {
                found.Add(child);
                frontier.Enqueue(child);
            }
        }

        return found;
    }

    /// <summary>Living processes whose command line mentions <paramref name="text"/> (e.g. a state folder).</summary>
    public static IReadOnlyList<int> WithCommandLineContaining(string text)
    {
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || pid == Environment.ProcessId)
            {
                continue;
            }

            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(text, StringComparison.Ordinal) && IsAlive(pid))
                {
                    found.Add(pid);
                }
            }
            catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
            {
                // Exited while we looked.
            }
        }

        return found;
    }

    /// <summary>The process's command line with its arguments joined by spaces; empty once it has gone.</summary>
    public static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception exception) when (exception is FileNotFoundException or DirectoryNotFoundException or IOException or UnauthorizedAccessException)
        {
            return "";
        }
    }

    public static async Task<bool> WaitUntilAllGoneAsync(IEnumerable<int> pids, TimeSpan deadline)
    {
        var remaining = pids.ToList();
        using var timeout = new CancellationTokenSource(deadline);
        while (remaining.Any(IsAlive))
        {
            if (timeout.IsCancellationRequested)
            {
                return false;
            }

            await Task.Delay(50, CancellationToken.None);
        }

        return true;
    }

    // The command name sits in parentheses and may itself contain spaces or parentheses: parse after the last ')'.
    private static char State(string stat) => stat[stat.LastIndexOf(')') + 2];

    private static int ParentId(string stat)
    {
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return int.Parse(fields[1], CultureInfo.InvariantCulture);
    }
}
