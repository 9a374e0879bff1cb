using System.Net;
using Deckard.Core;
using Deckard.Core.Connections;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Npgsql;
using StackExchange.Redis;

namespace Deckard.UnitTests.Deployment;

/// <summary>Render hands out postgres:// and redis:// URLs; the services read them as well as key=value connection strings.</summary>
public sealed class ConnectionUrlTests
{
    [Fact]
    public void Renders_internal_postgres_url_without_a_port_becomes_an_npgsql_connection_string_on_the_default_port()
    {
        var parsed = ParsePostgres("postgresql://deckard:Zq8x2vLr@dpg-abc123-a/deckard");

        Assert.Equal("dpg-abc123-a", parsed.Host);
        Assert.Equal(5432, parsed.Port);
        Assert.Equal("deckard", parsed.Username);
        Assert.Equal("Zq8x2vLr", parsed.Password);
        Assert.Equal("deckard", parsed.Database);
    }

    [Fact]
    public void A_postgres_url_with_a_port_and_sslmode_keeps_both()
    {
        var parsed = ParsePostgres("postgres://deckard:pw@dpg-abc123-a.oregon-postgres.render.com:6543/deckard_db?sslmode=require&application_name=api");

        Assert.Equal("dpg-abc123-a.oregon-postgres.render.com", parsed.Host);
        Assert.Equal(6543, parsed.Port);
        Assert.Equal("deckard_db", parsed.Database);
        Assert.Equal(SslMode.Require, parsed.SslMode);
        Assert.Equal("api", parsed.ApplicationName);
    }

    [Theory]
    [InlineData("disable", SslMode.Disable)]
    [InlineData("prefer", SslMode.Prefer)]
    [InlineData("verify-ca", SslMode.VerifyCA)]
    [InlineData("verify-full", SslMode.VerifyFull)]
    public void Every_libpq_sslmode_maps_to_npgsqls(string sslmode, SslMode expected) =>
        Assert.Equal(expected, ParsePostgres($"postgres://u:p@host/db?sslmode={sslmode}").SslMode);

    [Fact]
    public void A_percent_encoded_postgres_password_is_decoded_and_quoted_for_npgsql()
    {
        var parsed = ParsePostgres("postgres://deck%40rd:p%40ss%3Aw%2Frd%3B%25x%3D1@db.example.com/deckard");

        Assert.Equal("deck@rd", parsed.Username);
        Assert.Equal("p@ss:w/rd;%x=1", parsed.Password);
        Assert.Equal("db.example.com", parsed.Host);
    }

    [Fact]
    public void An_npgsql_keyword_in_the_query_is_taken_and_an_unknown_parameter_is_named()
    {
        Assert.Equal(50, ParsePostgres("postgres://u:p@host/db?Maximum%20Pool%20Size=50").MaxPoolSize);

        var error = Assert.Throws<FormatException>(() => ConnectionUrl.ToNpgsql("postgres://u:p@host/db?sslcompression=1"));
        Assert.Contains("sslcompression", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void An_unknown_sslmode_is_refused()
    {
        var error = Assert.Throws<FormatException>(() => ConnectionUrl.ToNpgsql("postgres://u:p@host/db?sslmode=always"));
        Assert.Contains("always", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Renders_internal_key_value_url_becomes_a_redis_configuration()
    {
        var options = ParseRedis("redis://red-abc123:6379");

        Assert.Equal(new DnsEndPoint("red-abc123", 6379), Assert.Single(options.EndPoints));
        Assert.Null(options.User);
        Assert.Null(options.Password);
        Assert.False(options.Ssl);
    }

    [Fact]
    public void A_rediss_url_turns_tls_on_and_carries_the_user_and_the_decoded_password()
    {
        var options = ParseRedis("rediss://red-abc123:p%40ss%3Aw%2Frd@oregon-keyvalue.render.com:6379");

        Assert.Equal(new DnsEndPoint("oregon-keyvalue.render.com", 6379), Assert.Single(options.EndPoints));
        Assert.Equal("red-abc123", options.User);
        Assert.Equal("p@ss:w/rd", options.Password);
        Assert.True(options.Ssl);
    }

    [Fact]
    public void A_redis_url_without_a_port_or_user_takes_the_default_port_and_the_password_alone()
    {
        var options = ParseRedis("redis://:secret@cache");

        Assert.Equal(new DnsEndPoint("cache", 6379), Assert.Single(options.EndPoints));
        Assert.Null(options.User);
        Assert.Equal("secret", options.Password);
    }

    [Fact]
    public void A_redis_urls_path_is_the_database_number()
    {
        Assert.Equal(2, ParseRedis("redis://cache:6380/2").DefaultDatabase);
        Assert.Throws<FormatException>(() => ConnectionUrl.ToRedis("redis://cache:6380/deckard"));
    }

    [Fact]
    public void A_redis_password_with_a_comma_is_refused_rather_than_split()
    {
        var error = Assert.Throws<FormatException>(() => ConnectionUrl.ToRedis("redis://:a%2Cb@cache"));
        Assert.DoesNotContain("a,b", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Host=localhost;Port=41781;Username=postgres;Password=x;Database=deckard")]
    [InlineData("Host=localhost;Port=1;Database=deckard;Username=document;Password=document")]
    public void A_key_value_postgres_connection_string_passes_through_unchanged(string connectionString) =>
        Assert.Equal(connectionString, ConnectionUrl.ToNpgsql(connectionString));

    [Theory]
    [InlineData("localhost:44265,password=x")]
    [InlineData("localhost:1,abortConnect=false")]
    [InlineData("cache")]
    public void A_stackexchange_redis_configuration_passes_through_unchanged(string configuration) =>
        Assert.Equal(configuration, ConnectionUrl.ToRedis(configuration));

    [Fact]
    public void The_urls_in_the_environment_are_rewritten_before_aspires_integrations_read_them()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:deckard"] = "postgresql://deckard:pw@dpg-abc123-a/deckard",
            ["ConnectionStrings:redis"] = "rediss://red-abc123:pw@oregon-keyvalue.render.com:6379",
        });

        builder.AddDeckardCore();
        using var host = builder.Build();

        var dataSource = host.Services.GetRequiredService<NpgsqlDataSource>();
        var database = new NpgsqlConnectionStringBuilder(dataSource.ConnectionString);
        Assert.Equal("dpg-abc123-a", database.Host);
        Assert.Equal(5432, database.Port);
        Assert.Equal("deckard", database.Database);
        Assert.Equal("oregon-keyvalue.render.com:6379,user=red-abc123,password=pw,ssl=true",
            host.Services.GetRequiredService<IConfiguration>().GetConnectionString(CoreServiceExtensions.RedisConnectionName));
    }

    [Fact]
    public void Key_value_connection_strings_in_the_configuration_are_left_alone()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["ConnectionStrings:deckard"] = "Host=localhost;Port=41781;Username=postgres;Password=x;Database=deckard",
            ["ConnectionStrings:redis"] = "localhost:44265,password=x",
        });
        var sources = configuration.Sources.Count;

        configuration.AcceptConnectionUrls();

        Assert.Equal(sources, configuration.Sources.Count);
        Assert.Equal("localhost:44265,password=x", configuration.GetConnectionString("redis"));
    }

    [Fact]
    public void A_url_that_cannot_be_read_names_the_setting_and_never_the_password()
    {
        var configuration = new ConfigurationManager();
        configuration.AddInMemoryCollection(new Dictionary<string, string?> { ["ConnectionStrings:deckard"] = "postgres://deckard:hunter2@host/db?sslmode=sometimes" });

        var error = Assert.Throws<InvalidOperationException>(() => configuration.AcceptConnectionUrls());

        Assert.Contains("ConnectionStrings:deckard", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("hunter2", error.ToString(), StringComparison.Ordinal);
    }

    private static NpgsqlConnectionStringBuilder ParsePostgres(string url)
    {
        var converted = ConnectionUrl.ToNpgsql(url);
        Assert.DoesNotContain("://", converted, StringComparison.Ordinal);
        return new NpgsqlConnectionStringBuilder(converted);
    }

    private static ConfigurationOptions ParseRedis(string url) => ConfigurationOptions.Parse(ConnectionUrl.ToRedis(url));
}
