using System.Reflection;

namespace Deckard.Api;

public static class ServiceInfoEndpoints
{
    public sealed record ServiceInfo(string Service, string Version, string Environment);

    /// <summary><c>GET /</c> names the service, so a person who opens the API's URL sees what answered.</summary>
    public static IEndpointRouteBuilder MapServiceInfo(this IEndpointRouteBuilder endpoints)
    {
        var version = typeof(ServiceInfoEndpoints).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion ?? "unknown";
        endpoints.MapGet("/", (IHostEnvironment environment) =>
            TypedResults.Ok(new ServiceInfo("deckard-api", version, environment.EnvironmentName))).AllowAnonymous();
        return endpoints;
    }
}
