using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Deckard.AppHost.Resources;

namespace Deckard.AppHost.Tests;

/// <summary>
/// PostgreSQL and Redis as Aspire's containers or as the OS's processes: either way the services get the same
/// resource names, the same connection-string names and the same shape of connection string.
/// </summary>
public sealed class ServerHostingTests
{
    [Fact]
    public async Task Local_processes_are_executables_with_the_container_integrations_names_and_connection_strings()
    {
        await using var model = await AppModel.BuildAsync((ServerHosting.SettingName, "LocalProcesses"));

        var postgres = model.Resource<LocalPostgresServerResource>("postgres");
        var database = model.Resource<LocalPostgresDatabaseResource>("deckard");
        var redis = model.Resource<LocalRedisResource>("redis");

        Assert.IsAssignableFrom<ExecutableResource>(postgres);
        Assert.Same(postgres, database.Parent);
        Assert.Equal("{postgres.connectionString};Database=deckard", database.ConnectionStringExpression.ValueExpression);
        Assert.Equal(
            "Host={postgres.bindings.tcp.host};Port={postgres.bindings.tcp.port};Username=postgres;Password={postgres-password.value}",
            postgres.ConnectionStringExpression.ValueExpression);
        Assert.Equal("{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}", redis.ConnectionStringExpression.ValueExpression);
        Assert.Contains(postgres.Annotations.OfType<HealthCheckAnnotation>(), check => check.Key == "postgres_check");
        Assert.Contains(database.Annotations.OfType<HealthCheckAnnotation>(), check => check.Key == "deckard_check");
        Assert.Contains(redis.Annotations.OfType<HealthCheckAnnotation>(), check => check.Key == "redis_check");
    }

    [Fact]
    public async Task Containers_forced_are_aspires_postgres_and_redis_with_data_volumes_under_the_same_names()
    {
        await using var model = await AppModel.BuildAsync((ServerHosting.SettingName, "Containers"));

        var postgres = model.Resource<PostgresServerResource>("postgres");
        var database = model.Resource<PostgresDatabaseResource>("deckard");
        var redis = model.Resource<RedisResource>("redis");

        Assert.Same(postgres, database.Parent);
        Assert.Contains(postgres.Annotations.OfType<ContainerMountAnnotation>(), mount => mount.Type == ContainerMountType.Volume);
        Assert.Contains(redis.Annotations.OfType<ContainerMountAnnotation>(), mount => mount.Type == ContainerMountType.Volume);
        Assert.DoesNotContain(model.Resources, resource => resource is LocalPostgresServerResource or LocalRedisResource);
    }

    [Fact]
    public async Task Both_ways_give_the_services_connection_strings_of_the_same_shape()
    {
        await using var local = await AppModel.BuildAsync((ServerHosting.SettingName, "LocalProcesses"));
        await using var containers = await AppModel.BuildAsync((ServerHosting.SettingName, "Containers"));

        foreach (var name in new[] { "postgres", "deckard" })
        {
            Assert.Equal(
                containers.Resource<IResourceWithConnectionString>(name).ConnectionStringExpression.ValueExpression,
                local.Resource<IResourceWithConnectionString>(name).ConnectionStringExpression.ValueExpression);
        }

        // The container's adds ",ssl=true" only when its endpoint uses TLS, which a local server's never does.
        Assert.StartsWith(
            local.Resource<IResourceWithConnectionString>("redis").ConnectionStringExpression.ValueExpression,
            containers.Resource<IResourceWithConnectionString>("redis").ConnectionStringExpression.ValueExpression,
            StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("LocalProcesses")]
    [InlineData("Containers")]
    public async Task The_api_and_workers_reference_the_database_and_redis_by_the_same_connection_names(string mode)
    {
        await using var model = await AppModel.BuildAsync((ServerHosting.SettingName, mode));

        foreach (var service in new[] { "api", "workers" })
        {
            var environment = await model.Resource<ProjectResource>(service).PublishedEnvironmentAsync();
            Assert.Equal("{deckard.connectionString}", environment["ConnectionStrings__deckard"]);
            Assert.Equal("{redis.connectionString}", environment["ConnectionStrings__redis"]);
        }

        var workers = await model.Resource<ProjectResource>("workers").PublishedEnvironmentAsync();
        Assert.Equal("{openai.connectionString}", workers["ConnectionStrings__openai"]);
        Assert.Equal("{stableavatar.connectionString}", workers["ConnectionStrings__stableavatar"]);
        // The api proxies live conversations to OpenAI's Realtime API; only the workers render.
        var api = await model.Resource<ProjectResource>("api").PublishedEnvironmentAsync();
        Assert.Equal("{openai.connectionString}", api["ConnectionStrings__openai"]);
        Assert.False(api.ContainsKey("ConnectionStrings__stableavatar"));
    }

    [Fact]
    public async Task Publishing_always_uses_containers_and_asks_for_the_real_services()
    {
        await using var model = await AppModel.BuildAsync(("AppHost:Operation", "publish"), (ServerHosting.SettingName, "LocalProcesses"));

        Assert.IsType<PostgresServerResource>(model.Resource<IResource>("postgres"));
        Assert.IsType<RedisResource>(model.Resource<IResource>("redis"));
        Assert.False(model.Has("openai-mock"));
        Assert.False(model.Has("runpod-mock"));
        Assert.True(model.Resource<ParameterResource>("openai-api-key").Secret);
        Assert.True(model.Resource<ParameterResource>("stableavatar-token").Secret);
        Assert.False(model.Resource<ParameterResource>("stableavatar-url").Secret);
    }

    [Fact]
    public async Task Connection_strings_in_the_apphosts_configuration_are_used_as_they_are_and_nothing_is_started()
    {
        await using var model = await AppModel.BuildAsync(
            ("ConnectionStrings:deckard", "Host=db.example;Database=deckard"), ("ConnectionStrings:redis", "cache.example:6379"));

        Assert.False(model.Has("postgres"));
        Assert.IsNotType<LocalRedisResource>(model.Resource<IResourceWithConnectionString>("redis"));
        Assert.IsNotType<LocalPostgresDatabaseResource>(model.Resource<IResourceWithConnectionString>("deckard"));
    }
}
