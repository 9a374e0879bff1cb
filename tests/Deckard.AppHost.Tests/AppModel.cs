using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;

namespace Deckard.AppHost.Tests;

/// <summary>The AppHost's Program.cs run up to the point where its model is built, with the given settings; nothing starts.</summary>
public static class AppModel
{
    public static async Task<IDistributedApplicationTestingBuilder> BuildAsync(params (string Key, string Value)[] settings)
    {
        // Building the model writes nothing there: files appear only when a server starts.
        var state = Path.Combine(Path.GetTempPath(), "deckard-model-tests");
        string[] args = [$"--AppHost:StateDirectory={state}", .. settings.Select(setting => $"--{setting.Key}={setting.Value}")];
        return await DistributedApplicationTestingBuilder.CreateAsync<Projects.Deckard_AppHost>(args);
    }

    public static T Resource<T>(this IDistributedApplicationTestingBuilder builder, string name)
        where T : IResource =>
        Assert.IsAssignableFrom<T>(Assert.Single(builder.Resources, resource => resource.Name == name));

    public static bool Has(this IDistributedApplicationTestingBuilder builder, string name) =>
        builder.Resources.Any(resource => resource.Name == name);

    /// <summary>The environment a project gets, as the publish manifest writes it: references show as <c>{resource.connectionString}</c>.</summary>
    public static async Task<Dictionary<string, string>> PublishedEnvironmentAsync(this IResource resource)
    {
#pragma warning disable CS0618 // The manifest view of the environment is what this test wants to read.
        return await ((IResourceWithEnvironment)resource).GetEnvironmentVariableValuesAsync(DistributedApplicationOperation.Publish);
#pragma warning restore CS0618
    }
}
