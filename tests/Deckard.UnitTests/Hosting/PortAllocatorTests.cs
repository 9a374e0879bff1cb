using System.Net;
using System.Net.Sockets;
using Deckard.Hosting;
using Deckard.Hosting.Networking;

namespace Deckard.UnitTests.Hosting;

public sealed class PortAllocatorTests
{
    [Fact]
    public void Free_ports_are_distinct_and_bindable()
    {
        var allocator = new PortAllocator();

        var ports = Enumerable.Range(0, 20).Select(_ => allocator.AllocateFree()).ToList();

        Assert.Equal(ports.Count, ports.Distinct().Count());
        foreach (var port in ports)
        {
            using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            socket.Bind(new IPEndPoint(IPAddress.Loopback, port));
        }
    }

    [Fact]
    public void A_fixed_port_already_in_use_is_reported_naming_the_setting_that_moves_it()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var taken = ((IPEndPoint)squatter.LocalEndpoint).Port;

        var error = Assert.Throws<DeckardHostingException>(() => new PortAllocator().Reserve(taken, "api", "Resources:api:Port"));

        Assert.Contains($"Port {taken} for 'api' is already in use", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resources:api:Port", error.Message, StringComparison.Ordinal);
        Assert.Contains("Resources__api__Port", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void The_same_fixed_port_given_to_two_resources_is_an_error()
    {
        var allocator = new PortAllocator();
        var port = allocator.AllocateFree();
        var other = new PortAllocator();
        other.Reserve(port, "api", "Resources:api:Port");

        var error = Assert.Throws<DeckardHostingException>(() => other.Reserve(port, "runpod-mock", "Resources:runpod-mock:Port"));

        Assert.Contains("given to two resources", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void A_free_port_is_never_handed_out_twice_in_one_run()
    {
        var allocator = new PortAllocator();
        var fixedPort = new PortAllocator().AllocateFree();
        allocator.Reserve(fixedPort, "api", "Resources:api:Port");

        var allocated = Enumerable.Range(0, 50).Select(_ => allocator.AllocateFree());

        Assert.DoesNotContain(fixedPort, allocated);
    }
}
