using Deckard.Api.Conversations;
using Deckard.Api.Events;
using Deckard.Api.Media;
using Deckard.Api.Sessions;
using Deckard.Api.Telemetry;
using Deckard.Core;

namespace Deckard.Api;

public static class ApiServiceExtensions
{
    /// <summary>Everything the API needs besides the service defaults.</summary>
    public static IHostApplicationBuilder AddDeckardApi(this IHostApplicationBuilder builder)
    {
        builder.AddDeckardCore();
        builder.AddConversations();
        builder.Services.AddProblemDetails();
        builder.Services.AddExceptionHandler<DependencyUnavailableHandler>();
        builder.Services.AddOpenApi();
        builder.Services.AddOptions<UploadOptions>()
            .Bind(builder.Configuration.GetSection(UploadOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<MediaOptions>()
            .Bind(builder.Configuration.GetSection(MediaOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SessionUploadReader>();
        builder.Services.AddSingleton<MediaUrlSigner>();
        builder.Services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.SectionName));
        builder.Services.AddSingleton<TraceLinks>();
        builder.Services.AddSingleton<SessionEventHub>();
        builder.Services.AddHostedService(serviceProvider => serviceProvider.GetRequiredService<SessionEventHub>());
        return builder;
    }
}
