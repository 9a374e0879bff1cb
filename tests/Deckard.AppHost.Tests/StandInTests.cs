using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace Deckard.AppHost.Tests;

/// <summary>The paid services or their stand-ins, decided by one setting each, reached through the same reference.</summary>
public sealed class StandInTests
{
    [Fact]
    public async Task Without_an_openai_key_the_stand_in_runs_on_5090_and_the_reference_points_at_it()
    {
        await using var model = await AppModel.BuildAsync();

        var standIn = model.Resource<ProjectResource>("openai-mock");
        var openai = model.Resource<ConnectionStringResource>("openai");

        Assert.Equal(5090, standIn.Annotations.OfType<EndpointAnnotation>().Single(endpoint => endpoint.Name == "http").Port);
        Assert.Equal("Endpoint={openai-mock.bindings.http.url}/v1;Key=sk-deckard-local", openai.ConnectionStringExpression.ValueExpression);
    }

    [Theory]
    [InlineData("Parameters:openai-api-key")]
    [InlineData("OPENAI_API_KEY")]
    public async Task With_an_openai_key_there_is_no_stand_in_and_the_reference_carries_the_key(string setting)
    {
        await using var model = await AppModel.BuildAsync((setting, "sk-test-123"));

        Assert.False(model.Has("openai-mock"));
        var key = model.Resource<ParameterResource>("openai-api-key");
        Assert.True(key.Secret);
        Assert.Equal("sk-test-123", await key.GetValueAsync(CancellationToken.None));
        Assert.Equal("Endpoint=https://api.openai.com/v1;Key={openai-api-key.value}",
            model.Resource<ConnectionStringResource>("openai").ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task Without_a_pod_url_the_runpod_stand_in_runs_on_7860_and_tells_the_workers_its_render_pace()
    {
        await using var model = await AppModel.BuildAsync(("RunPodMock:CostModel:TimeScale", "0.25"));

        var standIn = model.Resource<ProjectResource>("runpod-mock");
        var environment = await standIn.PublishedEnvironmentAsync();

        Assert.Equal(7860, standIn.Annotations.OfType<EndpointAnnotation>().Single(endpoint => endpoint.Name == "http").Port);
        Assert.Equal("0.25", environment["RunPodMock__CostModel__TimeScale"]);
        Assert.Equal("Endpoint={runpod-mock.bindings.http.url};CostScale=0.25",
            model.Resource<ConnectionStringResource>("stableavatar").ConnectionStringExpression.ValueExpression);
    }

    [Fact]
    public async Task A_real_pods_url_and_token_replace_the_stand_in_behind_the_same_reference()
    {
        await using var model = await AppModel.BuildAsync(
            ("Parameters:stableavatar-url", "https://abc123-7860.proxy.runpod.net"), ("Parameters:stableavatar-token", "secret-token"));

        Assert.False(model.Has("runpod-mock"));
        Assert.True(model.Resource<ParameterResource>("stableavatar-token").Secret);
        Assert.Equal("Endpoint={stableavatar-url.value};AccessToken={stableavatar-token.value}",
            model.Resource<ConnectionStringResource>("stableavatar").ConnectionStringExpression.ValueExpression);
        Assert.Equal("{stableavatar.connectionString}", (await model.Resource<ProjectResource>("workers").PublishedEnvironmentAsync())["ConnectionStrings__stableavatar"]);
    }

    [Theory]
    [InlineData("runpod-mock", "runpod-next-join-503", "runpod-next-stream-drops", "runpod-next-job-crashes", "runpod-pod-boots", "runpod-reset")]
    [InlineData("openai-mock", "openai-next-routing-429", "openai-next-transcription-500", "openai-routing-outage", "openai-slow", "openai-reset")]
    public async Task Each_stand_in_offers_its_failures_as_dashboard_commands(string standIn, params string[] commands)
    {
        await using var model = await AppModel.BuildAsync();

        var offered = model.Resource<ProjectResource>(standIn).Annotations.OfType<ResourceCommandAnnotation>().ToList();

        Assert.All(commands, command => Assert.Contains(offered, annotation => annotation.Name == command && annotation.DisplayDescription is { Length: > 0 }));
    }
}
