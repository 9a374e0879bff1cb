namespace Deckard.Workers;

public static class WorkersServiceExtensions
{
    /// <summary>Everything a Workers replica needs besides the service defaults.</summary>
    public static IHostApplicationBuilder AddDeckardWorkers(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("postgres");
        builder.AddRedisClient("redis");
        builder.Services.AddOptions<WorkerPresenceOptions>()
            .Bind(builder.Configuration.GetSection(WorkerPresenceOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<WorkerIdentity>();
        builder.Services.AddHostedService<WorkerPresence>();
        return builder;
    }
}
