using System.Reflection;

namespace Deckard.AppHost.Resources;

public static class BuiltOutputLaunch
{
    /// <summary>
    /// Starts the project's built assembly (<c>dotnet bin/{configuration}/{tfm}/{name}.dll</c>) instead of Aspire's
    /// <c>dotnet run --project ... --no-build</c>, which puts a second process in front of every replica (the .NET CLI,
    /// about 140 MB) and evaluates the project with MSBuild before the service starts: seconds on a 2-core machine,
    /// for a build the AppHost's own build has already done. Without that build output (a project built in another
    /// configuration), Aspire's way stays.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithBuiltOutputLaunch(this IResourceBuilder<ProjectResource> builder)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsRunMode
            || !builder.Resource.TryGetLastAnnotation<IProjectMetadata>(out var project)
            || BuiltAssembly(project.ProjectPath) is not { } assembly)
        {
            return builder;
        }

        return builder
            .WithAnnotation(new ExecutableAnnotation { Command = "dotnet", WorkingDirectory = Path.GetDirectoryName(project.ProjectPath)! }, ResourceAnnotationMutationBehavior.Replace)
            .WithArgs(assembly);
    }

    /// <summary>The project's assembly as the AppHost's build left it: same configuration and target framework as the AppHost.</summary>
    public static string? BuiltAssembly(string projectPath)
    {
        var appHost = typeof(BuiltOutputLaunch).Assembly;
        var configuration = appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var framework = $"net{Environment.Version.Major}.{Environment.Version.Minor}";
        var assembly = Path.Combine(Path.GetDirectoryName(projectPath)!, "bin", configuration, framework, Path.GetFileNameWithoutExtension(projectPath) + ".dll");
        return File.Exists(assembly) ? assembly : null;
    }
}
