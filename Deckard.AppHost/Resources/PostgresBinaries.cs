namespace Deckard.AppHost.Resources;

/// <summary>Where the PostgreSQL server programs are: <c>Postgres:BinDirectory</c>, else the PATH, else Debian's versioned folders.</summary>
public sealed record PostgresBinaries(string Directory)
{
    public const string SettingName = "Postgres:BinDirectory";

    public const string InstallHint =
        "Install them with: sudo apt-get install -y postgresql (or run ./scripts/install-prerequisites.sh), " +
        "or set Postgres:BinDirectory to the folder holding initdb and postgres, " +
        "or give an existing database as ConnectionStrings:deckard.";

    public string InitDb => Path.Combine(Directory, "initdb");

    public string Postgres => Path.Combine(Directory, "postgres");

    public static PostgresBinaries? Locate(string? configuredDirectory)
    {
        IEnumerable<string> candidates = configuredDirectory is { Length: > 0 }
            ? [configuredDirectory]
            : PathDirectories().Concat(DebianDirectories());
        return candidates
            .Where(directory => File.Exists(Path.Combine(directory, "initdb")) && File.Exists(Path.Combine(directory, "postgres")))
            .Select(directory => new PostgresBinaries(ResolveLinks(directory)))
            .FirstOrDefault();
    }

    private static IEnumerable<string> PathDirectories() =>
        (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries);

    /// <summary>Debian keeps the server outside the PATH, in <c>/usr/lib/postgresql/{major}/bin</c>; newest first.</summary>
    private static IEnumerable<string> DebianDirectories()
    {
        const string root = "/usr/lib/postgresql";
        if (!System.IO.Directory.Exists(root))
        {
            return [];
        }

        return System.IO.Directory.GetDirectories(root)
            .OrderByDescending(directory => int.TryParse(Path.GetFileName(directory), out var major) ? major : 0)
            .Select(directory => Path.Combine(directory, "bin"));
    }

    /// <summary>/usr/local/bin/postgres may be a link into Debian's folder; postgres finds its share files relative to the real one.</summary>
    private static string ResolveLinks(string directory)
    {
        var postgres = new FileInfo(Path.Combine(directory, "postgres"));
        var target = postgres.ResolveLinkTarget(returnFinalTarget: true);
        return target is null ? directory : Path.GetDirectoryName(target.FullName)!;
    }
}
