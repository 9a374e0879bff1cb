using Aspire.Hosting.ApplicationModel;
using Deckard.AppHost.Resources;

namespace Deckard.AppHost.Tests;

/// <summary>The web app's dev server in a person's run: Vite on 5173, pointed at the api, whose CORS allows it.</summary>
public sealed class WebAppTests
{
    [Fact]
    public async Task The_web_app_runs_vite_on_5173_with_the_apis_address_and_the_development_key()
    {
        await using var model = await AppModel.BuildAsync();

        var web = model.Resource<ExecutableResource>("web");
        Assert.Equal("node", web.Command);
        Assert.Equal(Path.GetFullPath(Path.Combine(Projects.Deckard_AppHost.ProjectPath, "..", "web")), web.WorkingDirectory);
        Assert.Equal(5173, Assert.Single(web.Annotations.OfType<EndpointAnnotation>(), endpoint => endpoint.Name == "http").Port);
        Assert.Contains(web.Annotations.OfType<HealthCheckAnnotation>(), _ => true);
        var environment = await web.PublishedEnvironmentAsync();
        Assert.Equal("{api.bindings.http.url}", environment["VITE_DECKARD_API"]);
        Assert.Equal("{dev-api-key.value}", environment["VITE_DECKARD_TOKEN"]);
    }

    [Fact]
    public async Task The_api_allows_the_web_apps_origin()
    {
        await using var model = await AppModel.BuildAsync();

        var environment = await model.Resource<ProjectResource>("api").PublishedEnvironmentAsync();

        Assert.Equal("{web.bindings.http.url}", environment["Cors__AllowedOrigins__0"]);
    }

    [Fact]
    public async Task A_setting_leaves_the_web_app_out_and_the_api_keeps_its_configured_origins()
    {
        await using var model = await AppModel.BuildAsync((WebAppResourceExtensions.EnabledSetting, "false"));

        Assert.False(model.Has("web"));
        Assert.DoesNotContain("Cors__AllowedOrigins__0", (await model.Resource<ProjectResource>("api").PublishedEnvironmentAsync()).Keys);
    }

    [Fact]
    public void Node_modules_are_installed_when_missing_or_older_than_the_lock_file()
    {
        var folder = Directory.CreateTempSubdirectory("deckard-web-").FullName;
        try
        {
            var lockFile = Path.Combine(folder, "package-lock.json");
            File.WriteAllText(lockFile, "{}");
            Assert.True(WebAppResourceExtensions.NeedsInstall(folder));

            var installed = Path.Combine(Directory.CreateDirectory(Path.Combine(folder, "node_modules")).FullName, ".package-lock.json");
            File.WriteAllText(installed, "{}");
            File.SetLastWriteTimeUtc(lockFile, DateTime.UtcNow.AddMinutes(-5));
            File.SetLastWriteTimeUtc(installed, DateTime.UtcNow.AddMinutes(-1));
            Assert.False(WebAppResourceExtensions.NeedsInstall(folder));

            File.SetLastWriteTimeUtc(lockFile, DateTime.UtcNow);
            Assert.True(WebAppResourceExtensions.NeedsInstall(folder));
        }
        finally
        {
            Directory.Delete(folder, recursive: true);
        }
    }
}
