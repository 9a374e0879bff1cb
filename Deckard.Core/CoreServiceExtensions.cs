using System.Diagnostics;
using Deckard.Core.Artifacts;
using Deckard.Core.Artifacts.Storage;
using Deckard.Core.Avatars;
using Deckard.Core.Connections;
using Deckard.Core.Costs;
using Deckard.Core.Events;
using Deckard.Core.Queue;
using Deckard.Core.Search;
using Deckard.Core.Sessions;
using Deckard.Core.Steps;
using Deckard.Core.Storage;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Deckard.Core;

public static class CoreServiceExtensions
{
    /// <summary>The connection names the AppHost gives (the database, not its server) and every deployment sets.</summary>
    public const string DatabaseConnectionName = "deckard";
    public const string RedisConnectionName = "redis";

    /// <summary>What the Api and Workers share: PostgreSQL, Redis, migrations at start, the outbox relay, queue options.</summary>
    public static IHostApplicationBuilder AddDeckardCore(this IHostApplicationBuilder builder)
    {
        // Hosts such as Render give postgres:// and redis:// URLs; Aspire's integrations read key=value strings.
        builder.Configuration.AcceptConnectionUrls();

        // Bounded pools: requests queue for a connection instead of exhausting the server's max_connections,
        // which every Api and Workers process shares.
        var maxPoolSize = builder.Configuration.GetValue("Database:MaxPoolSize", 30);
        builder.AddNpgsqlDataSource(DatabaseConnectionName, configureDataSourceBuilder: dataSource =>
        {
            if (!dataSource.ConnectionString.Contains("Pool Size", StringComparison.OrdinalIgnoreCase))
            {
                dataSource.ConnectionStringBuilder.MaxPoolSize = maxPoolSize;
            }

            // Background polls (the outbox relay's sweep, the LISTEN connection) belong to no trace: a span each would bury
            // the real work in the dashboard, so only statements made inside a trace (a request, a step) are traced.
            dataSource.ConfigureTracing(tracing => tracing
                .ConfigureCommandFilter(_ => Activity.Current is not null)
                .ConfigureBatchFilter(_ => Activity.Current is not null));

            // The same few statements run for every step: prepared once per connection, they skip parse and plan.
            if (!dataSource.ConnectionString.Contains("Auto Prepare", StringComparison.OrdinalIgnoreCase))
            {
                dataSource.ConnectionStringBuilder.MaxAutoPrepare = 64;
                dataSource.ConnectionStringBuilder.AutoPrepareMinUsages = 2;
            }
        });
        builder.AddRedisClient(RedisConnectionName);
        builder.Services.AddOptions<QueueOptions>()
            .Bind(builder.Configuration.GetSection(QueueOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton(TimeProvider.System);
        builder.Services.AddSingleton<DatabaseMigrator>();
        builder.Services.AddHostedService<MigrationService>();
        builder.Services.AddSingleton<OutboxPublisher>();
        builder.Services.AddSingleton<OutboxSentMarks>();
        builder.Services.AddHostedService(serviceProvider => serviceProvider.GetRequiredService<OutboxSentMarks>());
        builder.Services.AddHostedService<OutboxRelay>();
        builder.Services.AddSingleton<EventReader>();
        builder.Services.AddSingleton<StepStore>();
        builder.Services.AddSingleton<SessionStore>();
        builder.Services.AddSingleton<Conversations.ConversationStore>();
        builder.Services.AddSingleton<ArtifactStore>();
        builder.AddMediaStorage();
        builder.Services.AddSingleton<AvatarStore>();
        builder.Services.AddSingleton<AnswerCache>();
        builder.Services.AddOptions<CostOptions>()
            .Bind(builder.Configuration.GetSection(CostOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<CostEstimator>();
        builder.Services.AddSingleton<PrincipalUsageReader>();
        builder.Services.AddSingleton<SessionDeletion>();
        builder.Services.AddSingleton<Identity.ApiKeyStore>();
        return builder;
    }
}
