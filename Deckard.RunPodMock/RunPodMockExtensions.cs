using Deckard.RunPodMock.Admin;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Faults;
using Deckard.RunPodMock.Files;
using Deckard.RunPodMock.Gradio;
using Deckard.RunPodMock.Hosting;
using Deckard.RunPodMock.Media;
using Deckard.RunPodMock.Proxy;
using Deckard.RunPodMock.Queue;
using Deckard.RunPodMock.StableAvatar;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock;

public static class RunPodMockExtensions
{
    /// <summary>Registers the stand-in: validated options, the Gradio queue and its worker, the renderer, faults and journal.</summary>
    public static IHostApplicationBuilder AddRunPodMock(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<RunPodMockOptions>()
            .BindConfiguration(RunPodMockOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<RunPodMockOptions>, RunPodMockOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<LiveSettings>();
        services.AddSingleton<FaultBoard>();
        services.AddSingleton<RequestJournal>();
        services.AddSingleton<GradioTempFolder>();
        services.AddSingleton<GradioQueue>();
        services.AddSingleton<SessionStreamWriter>();
        services.AddSingleton<GenerateInputs>();
        services.AddSingleton<AvatarRenderer>();
        services.AddSingleton<GenerationProcessor>();
        services.AddHostedService<PodStartup>();
        services.AddHostedService<GenerationWorker>();
        services.AddHttpClient(GenerateInputs.UrlDownloadClient);

        services.AddHealthChecks()
            .AddCheck<MediaToolsHealthCheck>("media-tools")
            .AddCheck<PodReadinessHealthCheck>("pod");
        return builder;
    }

    /// <summary>Maps the journal and the proxy in front of the Gradio surface, the surface itself, and the admin API.</summary>
    public static WebApplication MapRunPodMock(this WebApplication app)
    {
        app.UseMiddleware<RequestJournalMiddleware>();
        app.UseMiddleware<RunPodProxyMiddleware>();
        app.MapAdminEndpoints();
        app.MapGradioSurface();
        return app;
    }
}
