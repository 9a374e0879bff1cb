using System.Globalization;
using System.Text;
using Npgsql;

namespace Deckard.Core.Connections;

/// <summary>
/// Turns the URLs hosts such as Render hand out (<c>postgres://user:pass@host:port/db</c>,
/// <c>redis://[user:pass@]host:port</c>, <c>rediss://</c> for TLS) into the key=value connection strings Npgsql and
/// StackExchange.Redis read. Anything that is not such a URL (the AppHost's <c>Host=..;Port=..</c> and
/// <c>host:port,password=..</c>) passes through unchanged.
/// </summary>
public static class ConnectionUrl
{
    public const int DefaultPostgresPort = 5432;
    public const int DefaultRedisPort = 6379;

    public static bool IsPostgresUrl(string? value) => HasScheme(value, "postgres") || HasScheme(value, "postgresql");

    public static bool IsRedisUrl(string? value) => HasScheme(value, "redis") || HasScheme(value, "rediss");

    /// <summary>A <c>postgres://</c> or <c>postgresql://</c> URL as an Npgsql connection string; anything else unchanged.</summary>
    public static string ToNpgsql(string value)
    {
        if (!IsPostgresUrl(value))
        {
            return value;
        }

        var url = Parse(value, "PostgreSQL");
        var (user, password) = UserInfo(url);
        var builder = new NpgsqlConnectionStringBuilder
        {
            Host = url.Host,
            Port = url.Port > 0 ? url.Port : DefaultPostgresPort,
        };
        if (user is not null)
        {
            builder.Username = user;
        }

        if (password is not null)
        {
            builder.Password = password;
        }

        var database = Uri.UnescapeDataString(url.AbsolutePath.TrimStart('/'));
        if (database.Length > 0)
        {
            builder.Database = database;
        }

        foreach (var (key, setting) in Query(url))
        {
            switch (key.ToLowerInvariant())
            {
                case "sslmode":
                    builder.SslMode = ParseSslMode(setting);
                    break;
                case "application_name":
                    builder.ApplicationName = setting;
                    break;
                case "connect_timeout":
                    builder.Timeout = int.Parse(setting, NumberStyles.None, CultureInfo.InvariantCulture);
                    break;
                default:
                    // Npgsql's own keywords (e.g. ?Maximum%20Pool%20Size=50) are welcome; anything else is a mistake worth naming.
                    try
                    {
                        builder[key] = setting;
                    }
                    catch (ArgumentException exception)
                    {
                        throw new FormatException($"The PostgreSQL URL's parameter '{key}' is neither a libpq parameter Deckard reads (sslmode, application_name, connect_timeout) nor an Npgsql keyword.", exception);
                    }

                    break;
            }
        }

        return builder.ConnectionString;
    }

    /// <summary>A <c>redis://</c> or <c>rediss://</c> (TLS) URL as a StackExchange.Redis configuration string; anything else unchanged.</summary>
    public static string ToRedis(string value)
    {
        if (!IsRedisUrl(value))
        {
            return value;
        }

        var url = Parse(value, "Redis");
        if (url.Query.Length > 1)
        {
            throw new FormatException("A Redis URL takes no query parameters here; give StackExchange.Redis options in its own form (host:port,option=value,...) instead.");
        }

        var (user, password) = UserInfo(url);
        var configuration = new StringBuilder(url.Host)
            .Append(CultureInfo.InvariantCulture, $":{(url.Port > 0 ? url.Port : DefaultRedisPort)}");
        if (user is { Length: > 0 })
        {
            configuration.Append(",user=").Append(RedisValue(user, "user name"));
        }

        if (password is { Length: > 0 })
        {
            configuration.Append(",password=").Append(RedisValue(password, "password"));
        }

        if (url.Scheme.Equals("rediss", StringComparison.OrdinalIgnoreCase))
        {
            configuration.Append(",ssl=true");
        }

        var database = url.AbsolutePath.Trim('/');
        if (database.Length > 0)
        {
            if (!int.TryParse(database, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
            {
                throw new FormatException($"A Redis URL's path is the database number (redis://host:6379/0), not '{database}'.");
            }

            configuration.Append(CultureInfo.InvariantCulture, $",defaultDatabase={number}");
        }

        return configuration.ToString();
    }

    private static bool HasScheme(string? value, string scheme) =>
        value is not null && value.TrimStart().StartsWith(scheme + "://", StringComparison.OrdinalIgnoreCase);

    private static Uri Parse(string value, string what) =>
        Uri.TryCreate(value.Trim(), UriKind.Absolute, out var url) && url.Host.Length > 0
            ? url
            : throw new FormatException($"The {what} connection string looks like a URL but is not one Deckard can read (scheme://[user[:password]@]host[:port][/...]).");

    /// <summary>The user name and password, percent-decoded (a password may hold <c>@</c>, <c>:</c> or <c>/</c> only encoded).</summary>
    private static (string? User, string? Password) UserInfo(Uri url)
    {
        if (url.UserInfo.Length == 0)
        {
            return (null, null);
        }

        var separator = url.UserInfo.IndexOf(':', StringComparison.Ordinal);
        return separator < 0
            ? (Uri.UnescapeDataString(url.UserInfo), null)
            : (Uri.UnescapeDataString(url.UserInfo[..separator]), Uri.UnescapeDataString(url.UserInfo[(separator + 1)..]));
    }

    private static IEnumerable<(string Key, string Value)> Query(Uri url)
    {
        foreach (var pair in url.Query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var separator = pair.IndexOf('=', StringComparison.Ordinal);
            var key = Uri.UnescapeDataString(separator < 0 ? pair : pair[..separator]);
            var setting = separator < 0 ? "" : Uri.UnescapeDataString(pair[(separator + 1)..]);
            yield return (key, setting);
        }
    }

    private static SslMode ParseSslMode(string value) => value.ToLowerInvariant() switch
    {
        "disable" => SslMode.Disable,
        "allow" => SslMode.Allow,
        "prefer" => SslMode.Prefer,
        "require" => SslMode.Require,
        "verify-ca" => SslMode.VerifyCA,
        "verify-full" => SslMode.VerifyFull,
        _ => throw new FormatException($"sslmode '{value}' is not one of disable, allow, prefer, require, verify-ca, verify-full."),
    };

    /// <summary>StackExchange.Redis splits its configuration at commas and has no escape for them.</summary>
    private static string RedisValue(string value, string what) =>
        value.Contains(',', StringComparison.Ordinal)
            ? throw new FormatException($"The Redis URL's {what} holds a comma, which a StackExchange.Redis configuration string cannot carry.")
            : value;
}
