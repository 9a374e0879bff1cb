using System.Net;
using System.Net.Sockets;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Deckard.AppHost.Resources;

namespace Deckard.AppHost.Tests;

/// <summary>The stable ports of a person's run, moved by one setting, and a clear stop when one is taken.</summary>
public sealed class DevelopmentPortTests
{
    [Fact]
    public async Task The_api_listens_on_5080_unless_a_setting_moves_it()
    {
        await using var defaults = await AppModel.BuildAsync();
        await using var moved = await AppModel.BuildAsync(("Resources:api:Port", "6080"));

        Assert.Equal(5080, HttpPort(defaults.Resource<ProjectResource>("api")));
        Assert.Equal(6080, HttpPort(moved.Resource<ProjectResource>("api")));
    }

    [Fact]
    public async Task Workers_run_two_replicas_unless_a_setting_says_otherwise()
    {
        await using var defaults = await AppModel.BuildAsync();
        await using var three = await AppModel.BuildAsync(("Resources:workers:Replicas", "3"));

        Assert.Equal(2, defaults.Resource<ProjectResource>("workers").GetReplicaCount());
        Assert.Equal(3, three.Resource<ProjectResource>("workers").GetReplicaCount());
    }

    [Fact]
    public async Task The_api_runs_one_instance_unless_a_setting_asks_for_more_behind_the_same_port()
    {
        await using var defaults = await AppModel.BuildAsync();
        await using var two = await AppModel.BuildAsync(("Resources:api:Replicas", "2"));

        Assert.Equal(1, defaults.Resource<ProjectResource>("api").GetReplicaCount());
        Assert.Equal(2, two.Resource<ProjectResource>("api").GetReplicaCount());
        Assert.Equal(5080, HttpPort(two.Resource<ProjectResource>("api")));
    }

    [Fact]
    public void A_port_already_taken_stops_the_apphost_with_a_message_naming_the_setting()
    {
        using var holder = new TcpListener(IPAddress.Loopback, 0);
        holder.Start();
        var port = ((IPEndPoint)holder.LocalEndpoint).Port;

        var error = Assert.Throws<DistributedApplicationException>(() => DevelopmentPorts.EnsureFree("api", port, "Resources:api:Port"));

        Assert.Contains($"Port {port} for 'api' is already in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resources:api:Port", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resources__api__Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_free_port_passes_the_check()
    {
        int port;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            port = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        DevelopmentPorts.EnsureFree("api", port, "Resources:api:Port");
    }

    [Fact]
    public async Task Services_start_from_their_build_output_not_under_dotnet_run()
    {
        await using var model = await AppModel.BuildAsync();

        foreach (var service in new[] { "api", "workers", "openai-mock", "runpod-mock" })
        {
            var project = model.Resource<ProjectResource>(service);
            var launch = Assert.Single(project.Annotations.OfType<ExecutableAnnotation>());
            Assert.Equal("dotnet", launch.Command);
            var assembly = BuiltOutputLaunch.BuiltAssembly(project.GetProjectMetadata().ProjectPath);
            Assert.NotNull(assembly);
            Assert.True(File.Exists(assembly));
            Assert.Contains(Path.GetFileNameWithoutExtension(project.GetProjectMetadata().ProjectPath), assembly, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void A_project_without_build_output_keeps_aspires_own_launch() =>
        Assert.Null(BuiltOutputLaunch.BuiltAssembly("/nonexistent/Deckard.Nothing/Deckard.Nothing.csproj"));

    private static int? HttpPort(ProjectResource project) =>
        project.Annotations.OfType<EndpointAnnotation>().Single(endpoint => endpoint.Name == "http").Port;
}
