using System.Reflection;
using Microsoft.Extensions.DependencyInjection.Extensions;

namespace Deckard.Api.OpenApi;

/// <summary>
/// The build writes the OpenAPI document by starting this app inside its GetDocument tool
/// (Microsoft.Extensions.ApiDescription.Server). Then there is no database, Redis or OpenAI to reach: placeholder
/// connection strings let the services be built, and no background work starts. Nothing is ever connected.
/// </summary>
public static class BuildTimeDocument
{
    public static bool IsGenerating => Assembly.GetEntryAssembly()?.GetName().Name == "GetDocument.Insider";

    /// <summary>Before the services are added: connection strings that are well formed and point nowhere.</summary>
    public static void UsePlaceholderConnections(WebApplicationBuilder builder) => builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
    {
        ["ConnectionStrings:deckard"] = "Host=localhost;Port=1;Database=deckard;Username=document;Password=document",
        ["ConnectionStrings:redis"] = "localhost:1,abortConnect=false",
        ["ConnectionStrings:openai"] = "Endpoint=http://localhost:1/v1;Key=document",
    });

    /// <summary>After the services are added: no migrations, relays, sweeps or listeners.</summary>
    public static void WithoutBackgroundWork(IServiceCollection services) => services.RemoveAll<IHostedService>();
}
