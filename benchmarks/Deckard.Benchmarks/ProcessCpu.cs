using System.Globalization;

namespace Deckard.Benchmarks;

/// <summary>
/// CPU time spent by the topology's processes, grouped by role (api, workers, postgresql, ...), from /proc/{pid}/stat.
/// Aspire's orchestrator (DCP) detaches from the benchmark's process but names it (<c>--monitor {pid}</c>); every
/// server and service it starts descends from it. A child (ffmpeg under a Workers replica, a PostgreSQL backend) counts for the role of its nearest
/// ancestor that has one; a child that has exited is in its parent's waited-for children's time, so the sum of
/// (user + system + children's) over the live processes counts every CPU second once.
/// </summary>
internal static class ProcessCpu
{
    public const string Api = "api";
    public const string Workers = "workers";
    public const string Postgres = "postgresql";
    public const string Redis = "redis";
    public const string OpenAIStandIn = "openai stand-in";
    public const string RunPodStandIn = "runpod stand-in";
    public const string Orchestrator = "aspire (dcp)";

    /// <summary>The roles that are Deckard's own cost (the stand-ins stand for paid services, DCP for the developer's machine).</summary>
    public static readonly string[] DeckardRoles = [Api, Workers, Postgres, Redis];

    private static readonly double TicksPerSecond = 100; // USER_HZ: 100 on every Linux ABI .NET runs on

    /// <summary>CPU seconds so far per role.</summary>
    public static CpuSnapshot Sample()
    {
        var pids = ProcessMemory.Orchestrators(Environment.ProcessId).SelectMany(root => ProcessMemory.Descendants(root).Prepend(root)).Distinct().ToList();
        var roles = new Dictionary<int, string?>();
        var seconds = new Dictionary<string, double>();
        foreach (var pid in pids)
        {
            if (RoleOf(pid, roles) is not { } role || ReadTicks(pid) is not { } ticks)
            {
                continue;
            }

            seconds[role] = seconds.GetValueOrDefault(role) + (ticks / TicksPerSecond);
        }

        return new CpuSnapshot(seconds, DateTimeOffset.UtcNow);
    }

    /// <summary>CPU seconds so far of each thread name (<c>/proc/{pid}/task/*/comm</c>) in the processes of <paramref name="role"/>.</summary>
    public static Dictionary<string, double> ThreadSeconds(string role)
    {
        var byName = new Dictionary<string, double>();
        foreach (var pid in ProcessMemory.Orchestrators(Environment.ProcessId).SelectMany(ProcessMemory.Descendants).Where(pid => OwnRole(ProcessMemory.CommandLine(pid)) == role))
        {
            try
            {
                foreach (var task in Directory.EnumerateDirectories($"/proc/{pid}/task"))
                {
                    var name = File.ReadAllText(Path.Combine(task, "comm")).Trim();
                    var stat = File.ReadAllText(Path.Combine(task, "stat"));
                    var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                    var ticks = long.Parse(fields[14 - 3], CultureInfo.InvariantCulture) + long.Parse(fields[15 - 3], CultureInfo.InvariantCulture);
                    byName[name] = byName.GetValueOrDefault(name) + (ticks / TicksPerSecond);
                }
            }
            catch (IOException)
            {
                // The process or thread ended while being read.
            }
        }

        return byName;
    }

    private static string? RoleOf(int pid, Dictionary<int, string?> roles)
    {
        if (roles.TryGetValue(pid, out var known))
        {
            return known;
        }

        var role = OwnRole(ProcessMemory.CommandLine(pid));
        if (role is null && ProcessMemory.ParentOf(pid) is var parent && parent > 1)
        {
            role = RoleOf(parent, roles);
        }

        roles[pid] = role;
        return role;
    }

    /// <summary>The role a command line names: a service's own executable or a server's binary (PostgreSQL's backends retitle themselves "postgres: ...").</summary>
    private static string? OwnRole(string commandLine)
    {
        var program = commandLine.Split(' ', 2)[0];
        return program switch
        {
            _ when commandLine.Contains("Deckard.Api", StringComparison.Ordinal) => Api,
            _ when commandLine.Contains("Deckard.Workers", StringComparison.Ordinal) => Workers,
            _ when commandLine.Contains("Deckard.OpenAIMock", StringComparison.Ordinal) => OpenAIStandIn,
            _ when commandLine.Contains("Deckard.RunPodMock", StringComparison.Ordinal) => RunPodStandIn,
            _ when program.EndsWith("/postgres", StringComparison.Ordinal) || program.StartsWith("postgres:", StringComparison.Ordinal) => Postgres,
            _ when program.EndsWith("redis-server", StringComparison.Ordinal) => Redis,
            _ when Path.GetFileName(program) == "dcp" || program.EndsWith("/dcpctrl", StringComparison.Ordinal) => Orchestrator,
            _ => null,
        };
    }

    /// <summary>utime + stime + cutime + cstime (fields 14–17 of /proc/{pid}/stat), in ticks; null once the process is gone.</summary>
    private static long? ReadTicks(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // After the command's closing parenthesis, field 3 (state) is index 0, so field N is index N - 3.
            return Enumerable.Range(14, 4).Sum(field => long.Parse(fields[field - 3], CultureInfo.InvariantCulture));
        }
        catch (IOException)
        {
            return null;
        }
    }
}

/// <summary>CPU seconds per role at one moment.</summary>
internal sealed record CpuSnapshot(IReadOnlyDictionary<string, double> Seconds, DateTimeOffset At)
{
    /// <summary>CPU seconds each role spent between <paramref name="earlier"/> and this snapshot.</summary>
    public IReadOnlyDictionary<string, double> Since(CpuSnapshot earlier) =>
        Seconds.ToDictionary(pair => pair.Key, pair => Math.Max(0, pair.Value - earlier.Seconds.GetValueOrDefault(pair.Key)));
}
