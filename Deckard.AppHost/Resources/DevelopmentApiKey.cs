using Microsoft.Extensions.Configuration;

namespace Deckard.AppHost.Resources;

/// <summary>
/// The development API key of DESIGN.md section 8: <c>deckard-dev-key</c>, or <c>DECKARD_DEV_API_KEY</c> when set. The
/// AppHost hands it to the api (<c>Auth__DevelopmentKey</c>), where it authenticates as the development principal;
/// a published app gets none and uses keys made with <c>Deckard.Api keys create</c>.
/// </summary>
public static class DevelopmentApiKey
{
    public const string Default = "deckard-dev-key";
    public const string EnvironmentVariable = "DECKARD_DEV_API_KEY";

    public static string From(IConfiguration configuration) =>
        configuration[EnvironmentVariable] is { Length: > 0 } configured ? configured : Default;

    private const string ParameterName = "dev-api-key";

    public static IResourceBuilder<ProjectResource> WithDevelopmentApiKey(this IResourceBuilder<ProjectResource> api)
    {
        if (api.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return api;
        }

        return api.WithEnvironment("Auth__DevelopmentKey", Parameter(api.ApplicationBuilder)).WithAnnotation(new DevelopmentApiKeyAnnotation(
            From(api.ApplicationBuilder.Configuration) == Default ? Default : $"<{EnvironmentVariable}>"));
    }

    /// <summary>The key as a secret parameter, made once: the api takes it, and the web app's dev server hands it to the page.</summary>
    public static IResourceBuilder<ParameterResource> Parameter(IDistributedApplicationBuilder builder) =>
        builder.Resources.OfType<ParameterResource>().FirstOrDefault(parameter => parameter.Name == ParameterName) is { } existing
            ? builder.CreateResourceBuilder(existing)
            : builder.AddParameter(ParameterName, From(builder.Configuration), secret: true);
}

/// <summary>What the ready summary says about the key: the well-known one by name, a custom one only by where it came from.</summary>
public sealed record DevelopmentApiKeyAnnotation(string Description) : IResourceAnnotation;
