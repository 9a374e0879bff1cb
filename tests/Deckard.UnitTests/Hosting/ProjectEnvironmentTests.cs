using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Orchestration;

namespace Deckard.UnitTests.Hosting;

public sealed class ProjectEnvironmentTests : IDisposable
{
    private readonly TestModel _model = new(otlpEndpoint: "http://localhost:18889");

    private static readonly Dictionary<string, string> Inherited = new()
    {
        ["PATH"] = "/usr/bin",
        ["ASPNETCORE_URLS"] = "http://localhost:9999",
        ["ASPNETCORE_ENVIRONMENT"] = "Production",
        ["DOTNET_LAUNCH_PROFILE"] = "apphost",
        ["ConnectionStrings__stale"] = "Host=elsewhere",
        ["OTEL_SERVICE_NAME"] = "apphost",
    };

    [Fact]
    public void A_project_gets_aspire_style_connection_strings_for_its_references()
    {
        var (postgres, redis, api) = DeclareTopology();

        var environment = Build(api);

        Assert.Equal($"Host=127.0.0.1;Port={postgres.Endpoint.Port};Username=postgres;Password={postgres.Password};Database=deckard",
            environment["ConnectionStrings__postgres"]);
        Assert.Equal($"127.0.0.1:{redis.Endpoint.Port},password={redis.Password}", environment["ConnectionStrings__redis"]);
    }

    [Fact]
    public void A_project_listens_where_the_apphost_allocated_its_port_and_not_where_the_apphost_listens()
    {
        var (_, _, api) = DeclareTopology();

        var environment = Build(api);

        Assert.Equal("http://localhost:5080", environment["ASPNETCORE_URLS"]);
        Assert.Equal("Development", environment["ASPNETCORE_ENVIRONMENT"]);
        Assert.Equal("Development", environment["DOTNET_ENVIRONMENT"]);
        Assert.False(environment.ContainsKey("DOTNET_LAUNCH_PROFILE"));
        Assert.False(environment.ContainsKey("ConnectionStrings__stale"));
        Assert.Equal("/usr/bin", environment["PATH"]);
    }

    [Fact]
    public void A_referenced_service_is_published_for_service_discovery_once_per_replica()
    {
        var runpod = _model.Builder.AddProject("runpod-mock", TestModel.Project("RunPodMock")).WithReplicas(2);
        var workers = _model.Builder.AddProject("workers", TestModel.Project("Workers")).WithReference(runpod);
        runpod.Resource.Endpoints[0].Port = 7001;
        runpod.Resource.Endpoints[1].Port = 7002;
        workers.Resource.Endpoints[0].Port = 7100;

        var environment = Build(workers.Resource);

        Assert.Equal("http://localhost:7001", environment["services__runpod-mock__http__0"]);
        Assert.Equal("http://localhost:7002", environment["services__runpod-mock__http__1"]);
        Assert.Equal("http://localhost:7001", environment["RUNPOD_MOCK_HTTP"]);
    }

    [Fact]
    public void Telemetry_names_the_service_and_its_instance_and_exports_quickly_in_development()
    {
        var (_, _, api) = DeclareTopology();

        var environment = ProjectEnvironment.Build(api, 0, "ybumhggr", _model.Options, Inherited);

        Assert.Equal("api", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=ybumhggr", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("http://localhost:18889", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal("1000", environment["OTEL_BSP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", environment["OTEL_BLRP_SCHEDULE_DELAY"]);
        Assert.Equal("1000", environment["OTEL_METRIC_EXPORT_INTERVAL"]);
        Assert.Equal("always_on", environment["OTEL_TRACES_SAMPLER"]);
        Assert.False(environment.ContainsKey("OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT"));
    }

    [Fact]
    public void Without_a_telemetry_receiver_no_exporter_is_configured()
    {
        using var model = new TestModel(otlpEndpoint: null);
        var api = model.Builder.AddProject("api", TestModel.Project("Api")).Resource;
        api.Endpoints[0].Port = 5080;

        var environment = ProjectEnvironment.Build(api, 0, "abcdefgh", model.Options, Inherited);

        Assert.False(environment.ContainsKey("OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("api", environment["OTEL_SERVICE_NAME"]);
    }

    [Fact]
    public void Values_the_project_declares_win_over_the_defaults()
    {
        var api = _model.Builder.AddProject("api", TestModel.Project("Api"))
            .WithEnvironment("LOGGING__CONSOLE__FORMATTERNAME", "json")
            .WithEnvironment("Deckard__Feature", "on");
        api.Resource.Endpoints[0].Port = 5080;

        var environment = Build(api.Resource);

        Assert.Equal("json", environment["LOGGING__CONSOLE__FORMATTERNAME"]);
        Assert.Equal("on", environment["Deckard__Feature"]);
    }

    private (PostgresServerResource Postgres, RedisResource Redis, ProjectResource Api) DeclareTopology()
    {
        var postgres = _model.Builder.AddPostgres("postgres").WithDatabase("deckard");
        var redis = _model.Builder.AddRedis("redis");
        var api = _model.Builder.AddProject("api", TestModel.Project("Api"))
            .WithHttpEndpoint(port: 5080)
            .WithReference(postgres).WaitFor(postgres)
            .WithReference(redis).WaitFor(redis);
        postgres.Resource.Endpoint.Port = 15432;
        redis.Resource.Endpoint.Port = 16379;
        api.Resource.Endpoints[0].Port = api.Resource.FixedPort;
        return (postgres.Resource, redis.Resource, api.Resource);
    }

    private Dictionary<string, string> Build(ProjectResource project) =>
        ProjectEnvironment.Build(project, 0, "instance", _model.Options, Inherited);

    public void Dispose() => _model.Dispose();
}
