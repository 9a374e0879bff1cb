using Microsoft.Extensions.Hosting;

namespace Deckard.Core.Storage;

/// <summary>Migrates the database before the service starts serving (hosted services start in order, this one first).</summary>
public sealed class MigrationService(DatabaseMigrator migrator) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken) => migrator.MigrateAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
