using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Health;
using Deckard.Hosting.Processes;

namespace Deckard.Hosting.Orchestration.Launchers;

/// <summary>Runs a project's built assembly with the dotnet host (not <c>dotnet run</c>, which re-checks the build every time).</summary>
internal sealed class ProjectLauncher(ProjectResource project, string dotnetHost) : IResourceLauncher
{
    public Task<ProcessSpec?> PrepareAsync(ReplicaContext replica, CancellationToken cancellationToken)
    {
        var environment = ProjectEnvironment.Build(
            project, replica.Index, replica.InstanceId, replica.Hosting.Options, replica.Hosting.InheritedEnvironment);
        var spec = new ProcessSpec(
            dotnetHost,
            [project.Metadata.AssemblyPath],
            Path.GetDirectoryName(project.Metadata.ProjectPath)!,
            environment);
        return Task.FromResult<ProcessSpec?>(spec);
    }

    public IHealthProbe CreateHealthProbe(ReplicaContext replica) =>
        new HttpHealthProbe(replica.Hosting.HealthClient, new Uri(project.Endpoints[replica.Index].Url, project.HealthCheckPath));

    public string Describe(ReplicaContext replica) => project.Endpoints[replica.Index].Url.ToString().TrimEnd('/');

    /// <summary>The dotnet host that runs the AppHost itself (the SDK sets DOTNET_HOST_PATH), else dotnet on the PATH.</summary>
    public static string? FindDotnetHost(IReadOnlyDictionary<string, string> environment)
    {
        if (environment.TryGetValue("DOTNET_HOST_PATH", out var hostPath) && File.Exists(hostPath))
        {
            return hostPath;
        }

        var current = Environment.ProcessPath;
        if (current is not null && Path.GetFileNameWithoutExtension(current) == "dotnet")
        {
            return current;
        }

        return ProcessLauncher.FindOnPath("dotnet");
    }
}
