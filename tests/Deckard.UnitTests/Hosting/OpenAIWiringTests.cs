using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Orchestration;

namespace Deckard.UnitTests.Hosting;

public sealed class OpenAIWiringTests
{
    [Fact]
    public void Without_a_key_the_stand_in_runs_and_the_workers_are_pointed_at_it()
    {
        using var model = new TestModel();
        var openai = model.Builder.AddOpenAI("openai").WithLocalStandIn<StandIn>("openai-mock", port: 5090);
        var workers = model.Builder.AddProject("workers", TestModel.Project("Workers")).WithReference(openai);
        openai.Resource.StandIn!.Endpoints[0].Port = 5090;
        workers.Resource.Endpoints[0].Port = 7000;

        var environment = ProjectEnvironment.Build(workers.Resource, 0, "abcdefgh", model.Options, new Dictionary<string, string>());

        Assert.Contains(model.Builder.Resources, resource => resource.Name == "openai-mock");
        Assert.Equal("Endpoint=http://localhost:5090/v1;Key=sk-deckard-local", environment["ConnectionStrings__openai"]);
        Assert.Contains(openai.Resource.StandIn, workers.Resource.WaitsFor);
        Assert.Equal("sk-deckard-local", openai.Resource.StandIn.Environment["OpenAIMock__ApiKey"]);
    }

    [Fact]
    public void With_a_key_the_stand_in_is_not_started_and_the_workers_talk_to_openai()
    {
        using var model = new TestModel(configuration: new Dictionary<string, string?> { ["OPENAI_API_KEY"] = "sk-real" });
        var openai = model.Builder.AddOpenAI("openai").WithLocalStandIn<StandIn>("openai-mock", port: 5090);
        var workers = model.Builder.AddProject("workers", TestModel.Project("Workers")).WithReference(openai);
        workers.Resource.Endpoints[0].Port = 7000;

        var environment = ProjectEnvironment.Build(workers.Resource, 0, "abcdefgh", model.Options, new Dictionary<string, string>());

        Assert.DoesNotContain(model.Builder.Resources, resource => resource.Name == "openai-mock");
        Assert.Equal("Endpoint=https://api.openai.com/v1;Key=sk-real", environment["ConnectionStrings__openai"]);
        Assert.Empty(workers.Resource.WaitsFor);
    }

    private sealed class StandIn : IProjectMetadata
    {
        public string ProjectPath => "/src/OpenAIMock/OpenAIMock.csproj";

        public string AssemblyPath => "/src/OpenAIMock/bin/OpenAIMock.dll";
    }
}
