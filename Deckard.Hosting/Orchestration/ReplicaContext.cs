using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Console;

namespace Deckard.Hosting.Orchestration;

/// <summary>One replica of one resource, as its launcher sees it.</summary>
internal sealed class ReplicaContext(Resource resource, int index, string name, string instanceId, HostingContext hosting, ResourceLogBuffer log)
{
    public Resource Resource { get; } = resource;

    public int Index { get; } = index;

    /// <summary>The resource's name, or <c>{name}-{instanceId}</c> when there are several replicas.</summary>
    public string Name { get; } = name;

    /// <summary>The OpenTelemetry <c>service.instance.id</c>.</summary>
    public string InstanceId { get; } = instanceId;

    public HostingContext Hosting { get; } = hosting;

    public ResourceLogBuffer Log { get; } = log;

    public void WriteLine(string text, bool isError = false, bool isSystem = false)
    {
        var line = new ResourceLogLine(Hosting.TimeProvider.GetUtcNow(), Resource.Name, Name, text, isError, isSystem);
        Log.Add(line);
        Hosting.LogSink?.Write(line);
    }

    public void WriteSystemLine(string text, bool isError = false) => WriteLine(text, isError, isSystem: true);
}
