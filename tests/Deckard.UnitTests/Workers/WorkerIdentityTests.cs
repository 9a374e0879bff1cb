using Deckard.Workers;

namespace Deckard.UnitTests.Workers;

public sealed class WorkerIdentityTests
{
    [Theory]
    [InlineData("service.instance.id=ybumhggr", "ybumhggr")]
    [InlineData("deployment.environment=dev, service.instance.id = abc ,host.name=x", "abc")]
    [InlineData("host.name=x", null)]
    [InlineData("service.instance.id=", null)]
    [InlineData("", null)]
    [InlineData(null, null)]
    public void The_replica_takes_its_instance_id_from_the_opentelemetry_resource_attributes(string? attributes, string? expected) =>
        Assert.Equal(expected, WorkerIdentity.ParseInstanceId(attributes));
}
