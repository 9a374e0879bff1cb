using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Deckard.Core.StableAvatar;

public static class StableAvatarServiceExtensions
{
    /// <summary>The AppHost's reference: <c>ConnectionStrings:stableavatar</c> = <c>Endpoint=...[;AccessToken=...][;CostScale=...]</c>.</summary>
    public const string ConnectionName = "stableavatar";

    /// <summary>
    /// The StableAvatar client. Its HttpClient has no total timeout and none of the standard resilience handler: a render
    /// streams for minutes, and only some of its calls are safe to retry, which the client decides itself.
    /// </summary>
    public static IHostApplicationBuilder AddStableAvatarClient(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<StableAvatarOptions>()
            .Bind(builder.Configuration.GetSection(StableAvatarOptions.SectionName))
            .Configure<IConfiguration>((options, configuration) => options.ApplyConnectionString(configuration.GetConnectionString(ConnectionName)))
            .ValidateDataAnnotations()
            .ValidateOnStart();
#pragma warning disable EXTEXP0001 // RemoveAllResilienceHandlers is experimental; this client needs none of the defaults.
        builder.Services.AddHttpClient<GradioClient>((serviceProvider, client) =>
            {
                client.Timeout = Timeout.InfiniteTimeSpan;
                if (serviceProvider.GetRequiredService<IOptions<StableAvatarOptions>>().Value.AccessToken is { Length: > 0 } token)
                {
                    client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", token);
                }
            })
            .RemoveAllResilienceHandlers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<PodPool>();
        builder.Services.AddTransient<StableAvatarClient>();
        return builder;
    }
}
