using System.Reflection;
using Deckard.Hosting.Testing;
using Microsoft.Extensions.Configuration;

namespace Deckard.Hosting;

/// <summary>Entry point of an AppHost's <c>Program.cs</c>: <c>DeckardApp.CreateBuilder(args)</c>.</summary>
public static class DeckardApp
{
    public static DeckardAppBuilder CreateBuilder(string[] args)
    {
        var interception = TestingInterception.Current;
        var appHostAssembly = interception?.AppHostAssembly ?? Assembly.GetEntryAssembly();
        var appHostDirectory = FindAppHostDirectory(appHostAssembly);

        var configuration = new ConfigurationManager();
        configuration.SetBasePath(appHostDirectory);
        configuration.AddJsonFile("appsettings.json", optional: true);
        configuration.AddEnvironmentVariables();
        configuration.AddCommandLine(args);
        if (interception is not null)
        {
            configuration.AddInMemoryCollection(interception.Configuration);
        }

        var options = new AppHostOptions();
        configuration.GetSection(AppHostOptions.SectionName).Bind(options);
        if (string.IsNullOrWhiteSpace(options.StateDirectory))
        {
            options.StateDirectory = Path.Combine(FindRepositoryRoot(appHostDirectory), ".deckard");
        }

        options.StateDirectory = Path.GetFullPath(options.StateDirectory);
        options.OtlpEndpointUrl ??= configuration["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"];
        return new DeckardAppBuilder(configuration, options, interception);
    }

    /// <summary>The AppHost project folder, recorded at build time (like Aspire's content root), else the working folder.</summary>
    private static string FindAppHostDirectory(Assembly? appHostAssembly)
    {
        var recorded = appHostAssembly?
            .GetCustomAttributes<AssemblyMetadataAttribute>()
            .FirstOrDefault(attribute => attribute.Key == "DeckardAppHostProjectDirectory")?.Value;
        return recorded is not null && Directory.Exists(recorded) ? recorded : Directory.GetCurrentDirectory();
    }

    private static string FindRepositoryRoot(string start)
    {
        for (var directory = new DirectoryInfo(start); directory is not null; directory = directory.Parent)
        {
            if (directory.EnumerateFiles("*.sln").Any() || directory.EnumerateFiles("*.slnx").Any())
            {
                return directory.FullName;
            }
        }

        return start;
    }
}
