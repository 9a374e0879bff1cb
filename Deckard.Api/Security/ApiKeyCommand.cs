using System.Globalization;
using Deckard.Core;
using Deckard.Core.Connections;
using Deckard.Core.Identity;
using Deckard.Core.Storage;
using Npgsql;

namespace Deckard.Api.Security;

/// <summary>
/// <c>Deckard.Api keys create|list|revoke</c>: manages API keys against the database in
/// <c>ConnectionStrings:deckard</c> (migrating it first), without starting the web server.
/// </summary>
public static class ApiKeyCommand
{
    public const string Usage = """
        Usage:
          keys create <principal> [--name <name>]   create a key for a principal; the key is printed once
          keys list [<principal>]                   list keys (prefix, principal, name, created, revoked)
          keys revoke <key-id>                      revoke a key (it stops working within Auth:KeyCacheDuration)
        The database is ConnectionStrings:deckard (e.g. the environment variable ConnectionStrings__deckard).
        """;

    public static bool IsCommand(string[] args) => args is ["keys", ..];

    public static async Task<int> RunAsync(string[] args, TextWriter output, TextWriter errors)
    {
        var builder = Host.CreateApplicationBuilder();
        builder.Configuration.AcceptConnectionUrls();
        var connectionString = builder.Configuration.GetConnectionString(CoreServiceExtensions.DatabaseConnectionName);
        if (string.IsNullOrWhiteSpace(connectionString))
        {
            await errors.WriteLineAsync("ConnectionStrings:deckard is not set: point it at Deckard's PostgreSQL database.");
            return 2;
        }

        await using var dataSource = NpgsqlDataSource.Create(connectionString);
        using var loggers = LoggerFactory.Create(logging => logging.AddConsole().SetMinimumLevel(LogLevel.Warning));
        await new DatabaseMigrator(dataSource, loggers.CreateLogger<DatabaseMigrator>()).MigrateAsync(CancellationToken.None);
        var keys = new ApiKeyStore(dataSource, TimeProvider.System);
        switch (args)
        {
            case ["keys", "create", var principal, .. var rest] when !principal.StartsWith("--", StringComparison.Ordinal):
                if (!Principals.IsValid(principal))
                {
                    await errors.WriteLineAsync($"'{principal}' is not a valid principal: 1-128 letters, digits and . _ @ : - (starting with a letter or digit).");
                    return 2;
                }

                var name = rest is ["--name", var given, ..] ? given : "default";
                var created = await keys.CreateAsync(principal, name, CancellationToken.None);
                await output.WriteLineAsync($"Created key {created.Info.Id} (prefix dk_{created.Info.Prefix}) for '{principal}', named '{name}'.");
                await output.WriteLineAsync("Store it now; Deckard keeps only its hash and cannot show it again:");
                await output.WriteLineAsync(created.Key);
                return 0;
            case ["keys", "list", .. var filter]:
                var listed = await keys.ListAsync(filter is [var only, ..] ? only : null, CancellationToken.None);
                await output.WriteLineAsync("id                                    prefix        principal             name              created                 revoked");
                foreach (var key in listed)
                {
                    await output.WriteLineAsync(string.Create(CultureInfo.InvariantCulture,
                        $"{key.Id}  dk_{key.Prefix,-10} {key.Principal,-21} {key.Name,-17} {key.CreatedAt:yyyy-MM-dd HH:mm:ss}Z    {(key.RevokedAt is { } revoked ? revoked.ToString("yyyy-MM-dd HH:mm:ss'Z'", CultureInfo.InvariantCulture) : "-")}"));
                }

                return 0;
            case ["keys", "revoke", var id]:
                if (!Guid.TryParse(id, out var keyId))
                {
                    await errors.WriteLineAsync($"'{id}' is not a key id; 'keys list' shows them.");
                    return 2;
                }

                if (!await keys.RevokeAsync(keyId, CancellationToken.None))
                {
                    await errors.WriteLineAsync($"No active key has the id {keyId}.");
                    return 1;
                }

                await output.WriteLineAsync($"Revoked key {keyId}.");
                return 0;
            default:
                await errors.WriteLineAsync(Usage);
                return 2;
        }
    }
}
