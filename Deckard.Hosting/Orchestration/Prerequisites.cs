using Deckard.Hosting.ApplicationModel;

namespace Deckard.Hosting.Orchestration;

/// <summary>Checked before anything starts, so a missing program is one clear message naming the command that installs it.</summary>
internal static class Prerequisites
{
    public static void Verify(IReadOnlyList<Resource> resources, string? dotnetHost, Infrastructure.PostgresBinaries? postgres, string? redisServer)
    {
        var problems = new List<string>();
        if (resources.OfType<PostgresServerResource>().Any(r => r.ExternalConnectionString is null) && postgres is null)
        {
            problems.Add($"PostgreSQL server binaries (initdb, postgres) were not found. {Infrastructure.PostgresBinaries.InstallHint}");
        }

        if (resources.OfType<RedisResource>().Any(r => r.ExternalConnectionString is null) && redisServer is null)
        {
            problems.Add($"redis-server was not found. {Launchers.RedisLauncher.InstallHint}");
        }

        var projects = resources.OfType<ProjectResource>().ToList();
        if (projects.Count > 0 && dotnetHost is null)
        {
            problems.Add("The dotnet host was not found on the PATH; install the .NET SDK and put dotnet on the PATH.");
        }

        foreach (var project in projects.Where(p => !File.Exists(p.Metadata.AssemblyPath)))
        {
            problems.Add($"'{project.Name}' is not built ({project.Metadata.AssemblyPath} is missing). Build first: dotnet build Deckard.sln");
        }

        if (problems.Count > 0)
        {
            throw new DeckardHostingException("Cannot start the application:\n  - " + string.Join("\n  - ", problems));
        }
    }
}
