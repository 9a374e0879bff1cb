using Microsoft.Extensions.Configuration;

namespace Deckard.AppHost.Resources;

/// <summary>Marks the web app's dev server: the ready announcement links to it.</summary>
public sealed class WebAppAnnotation : IResourceAnnotation;

/// <summary>
/// The web app in <c>web/</c> (Vite) as a resource: its dev server on <c>http://localhost:5173</c>, pointed at the api
/// with the development key, and the api allowing its origin. <c>AppHost:WebApp=false</c> leaves it out (the tests do,
/// except the browser tests); a published app has none, since a front end is deployed on its own.
/// </summary>
public static class WebAppResourceExtensions
{
    public const string ResourceName = "web";
    public const string InstallResourceName = "web-install";
    public const string EnabledSetting = "AppHost:WebApp";
    public const int DefaultPort = 5173;

    public static IResourceBuilder<ProjectResource> WithWebApp(this IResourceBuilder<ProjectResource> api)
    {
        var builder = api.ApplicationBuilder;
        if (builder.ExecutionContext.IsPublishMode || !builder.Configuration.GetValue(EnabledSetting, true))
        {
            return api;
        }

        var folder = Path.GetFullPath(Path.Combine(builder.AppHostDirectory, "..", "web"));
        // Vite itself, not `npm run dev`: one process, which stops when DCP signals it.
        var web = builder.AddExecutable(ResourceName, "node", folder, "node_modules/vite/bin/vite.js", "--host", "127.0.0.1", "--strictPort", "--clearScreen", "false")
            .WithDevelopmentPort(DefaultPort)
            .WithAnnotation(new WebAppAnnotation())
            .WithHttpHealthCheck("/")
            .WithReference(api)
            // Started once the api answers: node's start would otherwise compete with the services' for the CPU.
            .WaitFor(api)
            .WithEnvironment("VITE_DECKARD_TOKEN", DevelopmentApiKey.Parameter(builder))
            .WithUrlForEndpoint("http", url => url.DisplayText = "Deckard web app");
        var endpoint = web.GetEndpoint("http");
        web.WithArgs(context =>
            {
                context.Args.Add("--port");
                context.Args.Add(endpoint.Property(EndpointProperty.TargetPort));
            })
            .WithEnvironment("VITE_DECKARD_API", api.GetEndpoint("http"));

        // A fresh clone has no node_modules: install them first, as a step the dashboard shows.
        if (NeedsInstall(folder))
        {
            var install = builder.AddExecutable(InstallResourceName, "npm", folder, "ci", "--no-audit", "--no-fund");
            web.WaitForCompletion(install);
        }

        return api.WithEnvironment("Cors__AllowedOrigins__0", endpoint);
    }

    /// <summary>True when <c>npm ci</c> has not run since package-lock.json last changed.</summary>
    public static bool NeedsInstall(string folder)
    {
        var installed = new FileInfo(Path.Combine(folder, "node_modules", ".package-lock.json"));
        var locked = new FileInfo(Path.Combine(folder, "package-lock.json"));
        return !installed.Exists || (locked.Exists && locked.LastWriteTimeUtc > installed.LastWriteTimeUtc);
    }
}
