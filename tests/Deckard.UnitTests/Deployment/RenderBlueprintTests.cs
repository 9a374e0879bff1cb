using System.Globalization;

namespace Deckard.UnitTests.Deployment;

/// <summary>render.yaml: the Api as a web service, the Workers as a worker with replicas, PostgreSQL and Key Value wired in.</summary>
public sealed class RenderBlueprintTests
{
    private const string SecretsGroup = "deckard-secrets";

    private readonly RenderBlueprint _blueprint = RenderBlueprint.Load();

    [Fact]
    public void Every_docker_service_builds_a_dockerfile_of_this_repository_from_its_root()
    {
        var docker = _blueprint.Services.Where(service => RenderBlueprint.Text(service, "runtime") == "docker").ToList();

        Assert.Equal(2, docker.Count);
        Assert.All(docker, service =>
        {
            var path = RenderBlueprint.Text(service, "dockerfilePath")!.TrimStart('.', '/');
            Assert.True(Repository.Exists(path), $"{RenderBlueprint.Text(service, "name")}: no {path}.");
            Assert.Equal(".", RenderBlueprint.Text(service, "dockerContext"));
        });
    }

    [Fact]
    public void The_api_is_a_web_service_checked_at_health_that_sees_the_original_scheme()
    {
        var api = _blueprint.Service("deckard-api");

        Assert.Equal("web", RenderBlueprint.Text(api, "type"));
        Assert.Equal("./Deckard.Api/Dockerfile", RenderBlueprint.Text(api, "dockerfilePath"));
        Assert.Equal("/health", RenderBlueprint.Text(api, "healthCheckPath"));
        Assert.Equal("true", RenderBlueprint.Text(RenderBlueprint.Variable(api, "ASPNETCORE_FORWARDEDHEADERS_ENABLED"), "value"));

        // Render routes to PORT: the port the image listens on.
        var exposed = Dockerfile.Parse(Repository.Read("Deckard.Api/Dockerfile")).Final.Single(instruction => instruction.Keyword == "EXPOSE").Arguments;
        Assert.Equal(exposed, RenderBlueprint.Text(RenderBlueprint.Variable(api, "PORT"), "value"));
    }

    [Fact]
    public void The_workers_are_a_background_worker_with_replicas()
    {
        var workers = _blueprint.Service("deckard-workers");

        Assert.Equal("worker", RenderBlueprint.Text(workers, "type"));
        Assert.Equal("./Deckard.Workers/Dockerfile", RenderBlueprint.Text(workers, "dockerfilePath"));
        Assert.True(int.Parse(RenderBlueprint.Text(workers, "numInstances")!, CultureInfo.InvariantCulture) >= 2);
    }

    [Theory]
    [InlineData("deckard-api")]
    [InlineData("deckard-workers")]
    public void Each_service_gets_the_database_and_key_value_from_the_blueprint_and_the_secrets_group(string name)
    {
        var service = _blueprint.Service(name);

        var database = Yaml.Map(RenderBlueprint.Variable(service, "ConnectionStrings__deckard")["fromDatabase"]);
        Assert.Equal("connectionString", RenderBlueprint.Text(database, "property"));
        Assert.Contains(_blueprint.Databases, declared => RenderBlueprint.Text(declared, "name") == RenderBlueprint.Text(database, "name"));

        var redis = Yaml.Map(RenderBlueprint.Variable(service, "ConnectionStrings__redis")["fromService"]);
        Assert.Equal("keyvalue", RenderBlueprint.Text(redis, "type"));
        Assert.Equal("connectionString", RenderBlueprint.Text(redis, "property"));
        var keyValue = _blueprint.Service(RenderBlueprint.Text(redis, "name")!);
        Assert.Equal("keyvalue", RenderBlueprint.Text(keyValue, "type"));
        Assert.Equal("noeviction", RenderBlueprint.Text(keyValue, "maxmemoryPolicy"));

        Assert.Contains(Yaml.List(service["envVars"]).Select(Yaml.Map), variable => RenderBlueprint.Text(variable, "fromGroup") == SecretsGroup);
    }

    [Fact]
    public void The_secrets_are_asked_for_or_generated_never_written_in_the_file()
    {
        var group = Assert.Single(_blueprint.EnvironmentGroups, candidate => RenderBlueprint.Text(candidate, "name") == SecretsGroup);
        // The store's provider is the one plain value: Api and Workers must agree on it, so it sits in the shared group.
        Assert.Equal("Postgres", RenderBlueprint.Text(RenderBlueprint.Variable(group, "Media__Storage__Provider"), "value"));
        var variables = RenderBlueprint.Variables(group).Where(variable => RenderBlueprint.Text(variable, "key") != "Media__Storage__Provider").ToList();

        string[] secrets =
        [
            "Media__SigningKey", "Media__Storage__AccessKeyId", "Media__Storage__Bucket", "Media__Storage__SecretAccessKey",
            "Media__Storage__ServiceUrl", "OpenAI__ApiKey", "StableAvatar__AccessToken", "StableAvatar__BaseUrl",
        ];
        Assert.Equal(secrets, variables.Select(variable => RenderBlueprint.Text(variable, "key")!).Order(StringComparer.Ordinal));
        Assert.All(variables, variable =>
        {
            Assert.False(variable.ContainsKey("value"), $"{RenderBlueprint.Text(variable, "key")} has its value in render.yaml.");
            Assert.True(RenderBlueprint.Text(variable, "sync") == "false" || RenderBlueprint.Text(variable, "generateValue") == "true");
        });
        // One generated key for every Api instance: a link signed by one instance is honoured by the others.
        Assert.Equal("true", RenderBlueprint.Text(RenderBlueprint.Variable(group, "Media__SigningKey"), "generateValue"));
    }

    [Fact]
    public void Postgres_and_key_value_accept_only_private_network_connections()
    {
        var database = Assert.Single(_blueprint.Databases);
        Assert.Equal("deckard", RenderBlueprint.Text(database, "databaseName"));
        Assert.Empty(Yaml.List(database["ipAllowList"]));

        var keyValue = Assert.Single(_blueprint.Services, service => RenderBlueprint.Text(service, "type") == "keyvalue");
        Assert.Empty(Yaml.List(keyValue["ipAllowList"]));
    }
}
