using System.Text.Json;
using System.Text.RegularExpressions;

namespace Deckard.UnitTests.Deployment;

/// <summary>
/// Each service's Dockerfile, read as text: no container engine runs where these tests run, so what an image build
/// would find out late (a missing file, a wrong assembly, a port nobody listens on) is checked here.
/// </summary>
public sealed class DockerfileTests
{
    /// <summary>The Workers have no development port (the AppHost gives them a random one); their image listens here.</summary>
    private const int WorkersPort = 8080;

    public static TheoryData<string> Services => [.. Repository.Services];

    [Theory]
    [MemberData(nameof(Services))]
    public void Every_file_and_folder_it_copies_exists_in_the_build_context_and_is_not_ignored(string service)
    {
        var dockerfile = Read(service);
        var ignore = DockerIgnore.Parse(Repository.Exists(".dockerignore") ? Repository.Read(".dockerignore") : null);

        var sources = dockerfile.All.Where(instruction => instruction.Keyword is "COPY" or "ADD" && instruction.Flag("from") is null)
            .SelectMany(instruction => instruction.Words.SkipLast(1))
            .ToList();

        Assert.NotEmpty(sources);
        Assert.All(sources, source =>
        {
            Assert.True(Repository.Exists(source), $"{service}/Dockerfile copies '{source}', which is not in the repository (the build context is its root).");
            Assert.False(ignore.Excludes(source), $"{service}/Dockerfile copies '{source}', which .dockerignore leaves out of the context.");
        });
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void Restore_sees_the_shared_build_settings_and_every_project_the_service_references(string service)
    {
        var build = Read(service).Stages[0];
        var restore = IndexOf(build, instruction => instruction.Keyword == "RUN" && instruction.Arguments.Contains("dotnet restore", StringComparison.Ordinal));
        Assert.True(restore > 0, $"{service}/Dockerfile's build stage has no 'RUN dotnet restore'.");
        var copiedBeforeRestore = build.Take(restore).Where(instruction => instruction.Keyword == "COPY").SelectMany(instruction => instruction.Words.SkipLast(1)).ToHashSet();

        // global.json pins the SDK, Directory.Build.props holds TreatWarningsAsErrors, Directory.Packages.props the package
        // versions (central package management); .editorconfig the style the build enforces; a NuGet config its feeds.
        string[] shared = ["global.json", "Directory.Build.props", "Directory.Packages.props", ".editorconfig", "nuget.config", "NuGet.config", "NuGet.Config"];
        foreach (var file in shared.Where(file => File.Exists(Path.Combine(Repository.Root, file))))
        {
            Assert.Contains(file, copiedBeforeRestore);
        }

        var closure = Repository.ProjectClosure(service);
        Assert.All(closure, project => Assert.Contains(project, copiedBeforeRestore));
        Assert.Contains($"{service}/{service}.csproj", build[restore].Arguments, StringComparison.Ordinal);

        var copiedAfterRestore = build.Skip(restore).Where(instruction => instruction.Keyword == "COPY").SelectMany(instruction => instruction.Words.SkipLast(1))
            .Select(source => source.TrimEnd('/')).ToHashSet();
        Assert.All(closure, project => Assert.Contains(Path.GetDirectoryName(project)!.Replace('\\', '/'), copiedAfterRestore));
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void It_publishes_the_service_in_release_and_runs_its_assembly(string service)
    {
        var dockerfile = Read(service);

        Assert.StartsWith("mcr.microsoft.com/dotnet/sdk:10.0", dockerfile.Stages[0][0].Words[0], StringComparison.Ordinal);
        Assert.StartsWith("mcr.microsoft.com/dotnet/aspnet:10.0", dockerfile.Final[0].Words[0], StringComparison.Ordinal);
        var publish = Assert.Single(dockerfile.Stages[0], instruction => instruction.Keyword == "RUN" && instruction.Arguments.Contains("dotnet publish", StringComparison.Ordinal));
        Assert.Contains($"dotnet publish {service}/{service}.csproj -c Release -o /app", publish.Arguments, StringComparison.Ordinal);
        Assert.Contains(dockerfile.Final, instruction => instruction.Keyword == "COPY" && instruction.Flag("from") is not null && instruction.Words[0] == "/app");

        var entrypoint = Assert.Single(dockerfile.Final, instruction => instruction.Keyword == "ENTRYPOINT").Exec;
        string[] expected = ["dotnet", Repository.AssemblyName(service) + ".dll"];
        Assert.Equal(expected, entrypoint);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void It_listens_exposes_and_probes_the_services_documented_port(string service)
    {
        var final = Read(service).Final;
        var expected = DocumentedPort(service);

        var urls = Dockerfile.Environment(final).GetValueOrDefault("ASPNETCORE_URLS");
        Assert.NotNull(urls);
        Assert.Equal(expected, new Uri(urls.Replace("+", "localhost", StringComparison.Ordinal)).Port);
        Assert.Equal(expected.ToString(System.Globalization.CultureInfo.InvariantCulture), Assert.Single(final, instruction => instruction.Keyword == "EXPOSE").Words.Single());
        Assert.Equal("", Dockerfile.Environment(final).GetValueOrDefault("ASPNETCORE_HTTP_PORTS"));

        var probe = Assert.Single(final, instruction => instruction.Keyword == "HEALTHCHECK").Exec;
        Assert.Contains($"http://localhost:{expected}/health", probe);
    }

    [Theory]
    [MemberData(nameof(Services))]
    public void The_image_runs_as_a_non_root_user_and_has_the_tools_it_starts(string service)
    {
        var final = Read(service).Final;

        var user = final.Last(instruction => instruction.Keyword == "USER").Arguments;
        Assert.DoesNotMatch("^(root|0)(:.*)?$", user);
        Assert.True(IndexOf(final, instruction => instruction.Keyword == "USER") > IndexOf(final, instruction => instruction.Keyword == "RUN"),
            "The packages are installed as root, then the image switches to its user.");

        var installed = final.Where(instruction => instruction.Keyword == "RUN")
            .SelectMany(instruction => Regex.Matches(instruction.Arguments, @"apt-get install((?: -{1,2}[a-z-]+)*)((?: [a-z0-9.+-]+)+)").Select(match => match.Groups[2].Value))
            .SelectMany(packages => packages.Split(' ', StringSplitOptions.RemoveEmptyEntries))
            .ToHashSet();
        var needed = ToolsStartedBy(service);
        Assert.NotEmpty(needed);
        Assert.All(needed, package => Assert.Contains(package, installed));

        // The aspnet image has no curl or wget: whatever the HEALTHCHECK runs is installed.
        var probe = Assert.Single(final, instruction => instruction.Keyword == "HEALTHCHECK").Exec;
        Assert.Contains(probe[0], installed);
    }

    [Fact]
    public void The_workers_port_is_documented_with_the_deployment()
    {
        Assert.Contains($"{WorkersPort}", Repository.Read("docs/deployment.md"), StringComparison.Ordinal);
        Assert.Null(LaunchPort("Deckard.Workers"));
    }

    private static Dockerfile Read(string service)
    {
        Assert.True(Repository.Exists($"{service}/Dockerfile"), $"{service} has no Dockerfile.");
        return Dockerfile.Parse(Repository.Read($"{service}/Dockerfile"));
    }

    private static int IndexOf(IReadOnlyList<DockerInstruction> stage, Func<DockerInstruction, bool> predicate)
    {
        for (var index = 0; index < stage.Count; index++)
        {
            if (predicate(stage[index]))
            {
                return index;
            }
        }

        return -1;
    }

    /// <summary>The port of the service's launch profile (its development default), else the Workers' image port.</summary>
    private static int DocumentedPort(string service) => LaunchPort(service) ?? (service == "Deckard.Workers"
        ? WorkersPort
        : throw new InvalidOperationException($"{service} has no applicationUrl in Properties/launchSettings.json."));

    private static int? LaunchPort(string service)
    {
        using var settings = JsonDocument.Parse(Repository.Read($"{service}/Properties/launchSettings.json"));
        foreach (var profile in settings.RootElement.GetProperty("profiles").EnumerateObject())
        {
            if (profile.Value.TryGetProperty("applicationUrl", out var url))
            {
                return new Uri(url.GetString()!.Split(';')[0]).Port;
            }
        }

        return null;
    }

    /// <summary>The OS packages of the executables the service (or a project it references) starts by name.</summary>
    private static HashSet<string> ToolsStartedBy(string service)
    {
        var packages = new HashSet<string>(StringComparer.Ordinal);
        var tools = new Dictionary<string, string> { ["\"ffmpeg\""] = "ffmpeg", ["\"ffprobe\""] = "ffmpeg", ["\"espeak-ng\""] = "espeak-ng" };
        foreach (var project in Repository.ProjectClosure(service))
        {
            foreach (var source in Repository.Sources(Path.GetDirectoryName(project)!))
            {
                var text = File.ReadAllText(source);
                packages.UnionWith(tools.Where(tool => text.Contains(tool.Key, StringComparison.Ordinal)).Select(tool => tool.Value));
            }
        }

        return packages;
    }
}
