using Deckard.Core;
using Deckard.Core.OpenAI;
using Deckard.Core.Queue;
using Deckard.Core.StableAvatar;
using Deckard.Core.Steps;

namespace Deckard.Workers;

public static class WorkersServiceExtensions
{
    /// <summary>Everything a Workers replica needs besides the service defaults: the queue consumer and the steps it runs.</summary>
    public static IHostApplicationBuilder AddDeckardWorkers(this IHostApplicationBuilder builder)
    {
        builder.AddDeckardCore();
        builder.AddDeckardOpenAI();
        builder.AddStableAvatarClient();
        builder.Services.AddOptions<WorkerPresenceOptions>()
            .Bind(builder.Configuration.GetSection(WorkerPresenceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<WorkerIdentity>();
        builder.Services.AddHostedService<WorkerPresence>();

        builder.Services.AddSteps(typeof(WorkersServiceExtensions).Assembly);
        builder.Services.AddSingleton<StepRunner>();
        builder.Services.AddSingleton(serviceProvider => new ConsumerName(serviceProvider.GetRequiredService<WorkerIdentity>().InstanceId));
        builder.Services.AddHostedService<StepConsumer>();
        builder.Services.AddHostedService<QueueMetricsSampler>();
        return builder;
    }
}
