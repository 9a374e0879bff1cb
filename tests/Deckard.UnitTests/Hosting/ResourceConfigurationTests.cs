using Deckard.Hosting;
using Deckard.Hosting.ApplicationModel;

namespace Deckard.UnitTests.Hosting;

public sealed class ResourceConfigurationTests
{
    [Fact]
    public void A_person_run_uses_the_stable_development_port()
    {
        using var model = new TestModel();

        var api = model.Builder.AddProject("api", TestModel.Project("Api")).WithHttpEndpoint(port: 5080);

        Assert.Equal(5080, api.Resource.Endpoints[0].FixedPort);
    }

    [Fact]
    public void The_development_port_can_be_moved_by_configuration()
    {
        using var model = new TestModel(configuration: new Dictionary<string, string?> { ["Resources:api:Port"] = "6080" });

        var api = model.Builder.AddProject("api", TestModel.Project("Api")).WithHttpEndpoint(port: 5080);

        Assert.Equal(6080, api.Resource.Endpoints[0].FixedPort);
    }

    [Fact]
    public void A_port_setting_that_is_not_a_port_is_reported()
    {
        using var model = new TestModel(configuration: new Dictionary<string, string?> { ["Resources:api:Port"] = "eighty" });

        var error = Assert.Throws<DeckardHostingException>(() =>
            model.Builder.AddProject("api", TestModel.Project("Api")).WithHttpEndpoint(port: 5080));

        Assert.Contains("Resources:api:Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Tests_get_random_ports_instead_of_the_development_ones()
    {
        using var model = new TestModel(randomizePorts: true);

        var api = model.Builder.AddProject("api", TestModel.Project("Api")).WithHttpEndpoint(port: 5080);

        Assert.Null(api.Resource.Endpoints[0].FixedPort);
    }

    [Fact]
    public void Each_replica_gets_its_own_endpoint_and_none_takes_the_fixed_port()
    {
        using var model = new TestModel();

        var workers = model.Builder.AddProject("workers", TestModel.Project("Workers")).WithHttpEndpoint(port: 5100).WithReplicas(3);

        Assert.Equal(3, workers.Resource.Replicas);
        Assert.Equal(3, workers.Resource.Endpoints.Count);
        Assert.All(workers.Resource.Endpoints, endpoint => Assert.Null(endpoint.FixedPort));
    }

    [Fact]
    public void A_configured_connection_string_replaces_the_local_server()
    {
        using var model = new TestModel(configuration: new Dictionary<string, string?>
        {
            ["ConnectionStrings:postgres"] = "Host=db.example;Database=deckard;Username=app;Password=secret",
            ["ConnectionStrings:redis"] = "cache.example:6380,password=secret,ssl=true",
        });

        var postgres = model.Builder.AddPostgres("postgres").WithDatabase("deckard").Resource;
        var redis = model.Builder.AddRedis("redis").Resource;

        Assert.Equal("ConnectionString", postgres.Type);
        Assert.Equal("Host=db.example;Database=deckard;Username=app;Password=secret", postgres.GetConnectionString());
        Assert.Equal("ConnectionString", redis.Type);
        Assert.Equal("cache.example:6380,password=secret,ssl=true", redis.GetConnectionString());
    }

    [Fact]
    public void A_local_server_has_no_connection_string_until_its_port_is_allocated()
    {
        using var model = new TestModel();

        var redis = model.Builder.AddRedis("redis").Resource;

        Assert.Null(redis.GetConnectionString());
        Assert.Equal("Executable", redis.Type);
    }
}
