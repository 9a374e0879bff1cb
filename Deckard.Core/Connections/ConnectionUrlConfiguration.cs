using Microsoft.Extensions.Configuration;

namespace Deckard.Core.Connections;

public static class ConnectionUrlConfiguration
{
    /// <summary>
    /// Rewrites <c>ConnectionStrings:deckard</c> and <c>ConnectionStrings:redis</c> given as URLs (Render's
    /// <c>postgres://</c>, <c>redis://</c>, <c>rediss://</c>) into the key=value form, before Aspire.Npgsql and
    /// Aspire.StackExchange.Redis read them. Key=value connection strings are left as they are.
    /// </summary>
    public static IConfigurationManager AcceptConnectionUrls(this IConfigurationManager configuration)
    {
        var rewritten = new Dictionary<string, string?>(StringComparer.OrdinalIgnoreCase);
        Rewrite(configuration, CoreServiceExtensions.DatabaseConnectionName, ConnectionUrl.IsPostgresUrl, ConnectionUrl.ToNpgsql, rewritten);
        Rewrite(configuration, CoreServiceExtensions.RedisConnectionName, ConnectionUrl.IsRedisUrl, ConnectionUrl.ToRedis, rewritten);
        if (rewritten.Count > 0)
        {
            // Added last, so it wins over the environment variable it was made from.
            configuration.AddInMemoryCollection(rewritten);
        }

        return configuration;
    }

    private static void Rewrite(IConfiguration configuration, string name, Func<string?, bool> isUrl, Func<string, string> convert, Dictionary<string, string?> rewritten)
    {
        var value = configuration.GetConnectionString(name);
        if (isUrl(value))
        {
            try
            {
                rewritten[$"ConnectionStrings:{name}"] = convert(value!);
            }
            catch (FormatException exception)
            {
                throw new InvalidOperationException($"ConnectionStrings:{name}: {exception.Message}", exception);
            }
        }
    }
}
