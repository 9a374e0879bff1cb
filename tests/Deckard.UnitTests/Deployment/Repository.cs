using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace Deckard.UnitTests.Deployment;

/// <summary>The repository the tests run from: found by walking up from the test assembly to <c>Deckard.sln</c>.</summary>
internal static class Repository
{
    public static string Root { get; } = FindRoot();

    /// <summary>The four deployable services, each a folder with its project, Dockerfile and launch settings.</summary>
    public static IReadOnlyList<string> Services { get; } = ["Deckard.Api", "Deckard.Workers", "Deckard.OpenAIMock", "Deckard.RunPodMock"];

    public static string PathOf(string relative) => Path.Combine(Root, relative.Replace('/', Path.DirectorySeparatorChar));

    public static string Read(string relative) => File.ReadAllText(PathOf(relative));

    public static bool Exists(string relative) => File.Exists(PathOf(relative)) || Directory.Exists(PathOf(relative));

    /// <summary>A project and every project it references, transitively, as repository-relative <c>.csproj</c> paths.</summary>
    public static IReadOnlyList<string> ProjectClosure(string project)
    {
        var found = new List<string>();
        var pending = new Stack<string>([$"{project}/{project}.csproj"]);
        while (pending.TryPop(out var current))
        {
            if (found.Contains(current))
            {
                continue;
            }

            found.Add(current);
            var folder = Path.GetDirectoryName(PathOf(current))!;
            foreach (var reference in XDocument.Load(PathOf(current)).Descendants("ProjectReference"))
            {
                var full = Path.GetFullPath(Path.Combine(folder, reference.Attribute("Include")!.Value.Replace('\\', Path.DirectorySeparatorChar)));
                pending.Push(Path.GetRelativePath(Root, full).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }

        return found;
    }

    /// <summary>The assembly a project builds: its <c>AssemblyName</c>, else the project file's name.</summary>
    public static string AssemblyName(string project)
    {
        var declared = XDocument.Load(PathOf($"{project}/{project}.csproj")).Descendants("AssemblyName").FirstOrDefault()?.Value;
        return string.IsNullOrWhiteSpace(declared) ? project : declared.Trim();
    }

    /// <summary>The C# sources of a project folder, without build output.</summary>
    public static IEnumerable<string> Sources(string projectFolder) =>
        Directory.EnumerateFiles(PathOf(projectFolder), "*.cs", SearchOption.AllDirectories)
            .Where(file => !Regex.IsMatch(Path.GetRelativePath(PathOf(projectFolder), file), @"^(bin|obj)[\\/]"));

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Deckard.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Deckard.sln above {AppContext.BaseDirectory}.");
    }
}
