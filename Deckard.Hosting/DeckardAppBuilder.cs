using System.Globalization;
using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Testing;
using Microsoft.Extensions.Configuration;

namespace Deckard.Hosting;

/// <summary>Collects the topology's resources; <see cref="Build"/> makes the runnable application.</summary>
public sealed class DeckardAppBuilder
{
    private readonly List<Resource> _resources = [];
    private readonly TestingInterception? _interception;

    internal DeckardAppBuilder(IConfiguration configuration, AppHostOptions options, TestingInterception? interception = null)
    {
        Configuration = configuration;
        Options = options;
        _interception = interception;
        Parameters = new ParameterStore(configuration, options.StateDirectory);
    }

    /// <summary>For unit tests of the resource model: no files are read but the parameters file in the state folder.</summary>
    public static DeckardAppBuilder CreateForModel(AppHostOptions options, IDictionary<string, string?>? configuration = null) =>
        new(new ConfigurationBuilder().AddInMemoryCollection(configuration ?? new Dictionary<string, string?>()).Build(), options);

    public IConfiguration Configuration { get; }

    public AppHostOptions Options { get; }

    public ParameterStore Parameters { get; }

    public IReadOnlyList<Resource> Resources => _resources;

    public ResourceBuilder<T> AddResource<T>(T resource)
        where T : Resource
    {
        if (_resources.Any(existing => existing.Name == resource.Name))
        {
            throw new InvalidOperationException($"A resource named '{resource.Name}' is already declared.");
        }

        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource);
    }

    public ResourceBuilder<ProjectResource> AddProject<TProject>(string name)
        where TProject : IProjectMetadata, new() =>
        AddResource(new ProjectResource(name, new TProject()));

    public ResourceBuilder<ProjectResource> AddProject(string name, IProjectMetadata metadata) =>
        AddResource(new ProjectResource(name, metadata));

    public DeckardApplication Build()
    {
        var application = new DeckardApplication(this, _interception?.LogSink);
        _interception?.Built.TrySetResult(application);
        return application;
    }

    internal bool IsIntercepted => _interception is not null;

    /// <summary>The configured port (<c>Resources:{name}:Port</c>), else the default; none when ports are randomized.</summary>
    internal int? GetFixedPort(string resourceName, int? defaultPort)
    {
        if (Options.RandomizePorts)
        {
            return null;
        }

        var configured = Configuration[$"Resources:{resourceName}:Port"];
        if (string.IsNullOrWhiteSpace(configured))
        {
            return defaultPort;
        }

        return int.TryParse(configured, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new DeckardHostingException($"Resources:{resourceName}:Port is '{configured}', which is not a TCP port (1-65535).");
    }

    internal string? GetExternalConnectionString(string resourceName)
    {
        var configured = Configuration.GetConnectionString(resourceName);
        return string.IsNullOrWhiteSpace(configured) ? null : configured;
    }
}
