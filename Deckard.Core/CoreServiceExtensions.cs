using Deckard.Core.Events;
using Deckard.Core.Queue;
using Deckard.Core.Storage;
using Deckard.Core.Steps;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Deckard.Core;

public static class CoreServiceExtensions
{
    /// <summary>What the Api and Workers share: PostgreSQL, Redis, migrations at start, the outbox relay, queue options.</summary>
    public static IHostApplicationBuilder AddDeckardCore(this IHostApplicationBuilder builder)
    {
        builder.AddNpgsqlDataSource("postgres");
        builder.AddRedisClient("redis");
        builder.Services.AddOptions<QueueOptions>()
            .Bind(builder.Configuration.GetSection(QueueOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddHostedService<MigrationService>();
        builder.Services.AddSingleton<OutboxSignal>();
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddSingleton<EventReader>();
        builder.Services.AddSingleton<StepStore>();
        builder.Services.AddSingleton<Deckard.Core.Sessions.SessionStore>();
        return builder;
    }
}
