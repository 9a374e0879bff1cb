using Deckard.Hosting;
using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Orchestration;

namespace Deckard.UnitTests.Hosting;

public sealed class StartOrderTests : IDisposable
{
    private readonly TestModel _model = new();

    [Fact]
    public void Resources_start_after_what_they_wait_for_and_otherwise_in_declaration_order()
    {
        var workers = _model.Builder.AddProject("workers", TestModel.Project("Workers"));
        var api = _model.Builder.AddProject("api", TestModel.Project("Api"));
        var postgres = _model.Builder.AddPostgres("postgres");
        var redis = _model.Builder.AddRedis("redis");
        var runpod = _model.Builder.AddProject("runpod-mock", TestModel.Project("RunPodMock"));
        api.WaitFor(postgres).WaitFor(redis);
        workers.WaitFor(api);

        var order = ResourceGraph.StartOrder(_model.Builder.Resources).Select(resource => resource.Name).ToList();

        Assert.Equal(["postgres", "redis", "api", "workers", "runpod-mock"], order);
    }

    [Fact]
    public void Stop_order_is_the_reverse_of_start_order()
    {
        var postgres = _model.Builder.AddPostgres("postgres");
        var api = _model.Builder.AddProject("api", TestModel.Project("Api")).WaitFor(postgres);
        _model.Builder.AddProject("workers", TestModel.Project("Workers")).WaitFor(api);

        var order = ResourceGraph.StopOrder(_model.Builder.Resources).Select(resource => resource.Name).ToList();

        Assert.Equal(["workers", "api", "postgres"], order);
    }

    [Fact]
    public void A_wait_for_cycle_is_an_error_naming_the_cycle()
    {
        var a = _model.Builder.AddProject("a", TestModel.Project("A"));
        var b = _model.Builder.AddProject("b", TestModel.Project("B")).WaitFor(a);
        var c = _model.Builder.AddProject("c", TestModel.Project("C")).WaitFor(b);
        a.WaitFor(c);

        var error = Assert.Throws<DeckardHostingException>(() => ResourceGraph.StartOrder(_model.Builder.Resources));

        Assert.Contains("a -> c -> b -> a", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Waiting_for_a_resource_of_another_application_is_an_error()
    {
        using var other = new TestModel();
        var foreign = other.Builder.AddRedis("redis");
        _model.Builder.AddProject("api", TestModel.Project("Api")).WaitFor(foreign);

        var error = Assert.Throws<DeckardHostingException>(() => ResourceGraph.StartOrder(_model.Builder.Resources));

        Assert.Contains("'api' waits for 'redis'", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Two_resources_cannot_share_a_name()
    {
        _model.Builder.AddRedis("cache");

        Assert.Throws<InvalidOperationException>(() => _model.Builder.AddRedis("cache"));
    }

    [Theory]
    [InlineData("Api")]
    [InlineData("api_service")]
    [InlineData("1api")]
    [InlineData("")]
    public void A_resource_name_that_cannot_become_an_environment_variable_is_rejected(string name) =>
        Assert.ThrowsAny<ArgumentException>(() => _model.Builder.AddRedis(name));

    public void Dispose() => _model.Dispose();
}
