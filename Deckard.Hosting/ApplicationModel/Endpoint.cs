namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// One listening port of one replica. A fixed port (the stable development defaults) is used as it is;
/// otherwise the AppHost allocates a free one.
/// </summary>
public sealed class Endpoint(string name, string scheme, int? fixedPort, string portSetting)
{
    public string Name { get; } = name;
    public string Scheme { get; } = scheme;
    public int? FixedPort { get; } = fixedPort;

    /// <summary>The configuration key that sets <see cref="FixedPort"/>, named in port-conflict errors.</summary>
    public string PortSetting { get; } = portSetting;

    public int? Port { get; internal set; }

    public string Host => "localhost";

    public Uri Url => Port is { } port
        ? new Uri($"{Scheme}://{Host}:{port}")
        : throw new InvalidOperationException($"Endpoint '{Name}' has no port yet: ports are allocated when the application starts.");
}
