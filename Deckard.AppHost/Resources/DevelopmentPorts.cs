using System.Net;
using System.Net.Sockets;
using Microsoft.Extensions.Configuration;

namespace Deckard.AppHost.Resources;

/// <summary>
/// The stable ports of a person's run (DESIGN.md section 8: api 5080, openai-mock 5090, runpod-mock 7860), each
/// overridable as <c>Resources:{name}:Port</c>. Tests randomize ports instead (<c>DcpPublisher:RandomizePorts</c>).
/// </summary>
public static class DevelopmentPorts
{
    public static string SettingName(string resourceName) => $"Resources:{resourceName}:Port";

    /// <summary>The port configured for <paramref name="resourceName"/>, or null for a free one.</summary>
    public static int? Configured(IDistributedApplicationBuilder builder, string resourceName) =>
        builder.Configuration.GetValue<int?>(SettingName(resourceName));

    /// <summary>
    /// Puts the resource's http endpoint on <paramref name="defaultPort"/> (or the configured one). Before anything starts,
    /// the AppHost checks the port is free, and stops with a message naming the setting when it is not: DCP's own
    /// "address already in use" would otherwise surface as a resource that never becomes healthy.
    /// </summary>
    public static IResourceBuilder<T> WithDevelopmentPort<T>(this IResourceBuilder<T> builder, int defaultPort, string endpointName = "http")
        where T : IResourceWithEndpoints
    {
        var setting = SettingName(builder.Resource.Name);
        var port = builder.ApplicationBuilder.Configuration.GetValue(setting, defaultPort);
        if (builder.Resource.Annotations.OfType<EndpointAnnotation>().Any(endpoint => endpoint.Name == endpointName))
        {
            builder.WithEndpoint(endpointName, endpoint => endpoint.Port = port);
        }
        else
        {
            builder.WithHttpEndpoint(port: port, name: endpointName);
        }

        var randomized = builder.ApplicationBuilder.Configuration.GetValue<bool>("DcpPublisher:RandomizePorts");
        if (!randomized && builder.ApplicationBuilder.ExecutionContext.IsRunMode)
        {
            builder.ApplicationBuilder.Eventing.Subscribe<BeforeStartEvent>((_, _) =>
            {
                EnsureFree(builder.Resource.Name, port, setting);
                return Task.CompletedTask;
            });
        }

        return builder;
    }

    /// <summary>Throws, naming <paramref name="setting"/>, when something already listens on <paramref name="port"/>.</summary>
    public static void EnsureFree(string resourceName, int port, string setting)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.AddressAlreadyInUse)
        {
            throw new DistributedApplicationException(
                $"Port {port} for '{resourceName}' is already in use. Stop what holds it, or move '{resourceName}' with the setting " +
                $"{setting} (environment variable {setting.Replace(":", "__", StringComparison.Ordinal)}, " +
                $"or: dotnet run --project Deckard.AppHost -- --{setting}=<port>).");
        }
    }
}
