namespace Deckard.Hosting.ApplicationModel;

/// <summary>A .NET project, launched from its built assembly (<c>dotnet X.dll</c>) once per replica.</summary>
public sealed class ProjectResource : Resource, IResourceWithEndpoints
{
    private readonly List<Endpoint> _endpoints = [];
    private int _replicas = 1;

    public ProjectResource(string name, IProjectMetadata metadata)
        : base(name)
    {
        Metadata = metadata;
        _endpoints.Add(CreateEndpoint(0));
    }

    public override string Type => "Project";

    public IProjectMetadata Metadata { get; }

    /// <summary>The stable port for a person's run; ignored when ports are randomized (tests) or replicas &gt; 1.</summary>
    public int? FixedPort { get; private set; }

    public override int Replicas => _replicas;

    public List<ConnectionReference> ConnectionReferences { get; } = [];

    public List<IResourceWithEndpoints> ServiceReferences { get; } = [];

    public Dictionary<string, string> Environment { get; } = new(StringComparer.Ordinal);

    /// <summary>The readiness path polled over HTTP; the service defaults map <c>/health</c>.</summary>
    public string HealthCheckPath { get; set; } = "/health";

    /// <summary>One HTTP endpoint per replica.</summary>
    public IReadOnlyList<Endpoint> Endpoints => _endpoints;

    public IReadOnlyList<Uri> GetEndpointUrls() =>
        _endpoints.Where(endpoint => endpoint.Port is not null).Select(endpoint => endpoint.Url).ToList();

    public string PortSetting => $"Resources:{Name}:Port";

    internal void SetReplicas(int replicas)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        _replicas = replicas;
        RecreateEndpoints();
    }

    internal void SetFixedPort(int? port)
    {
        FixedPort = port;
        RecreateEndpoints();
    }

    private void RecreateEndpoints()
    {
        _endpoints.Clear();
        for (var index = 0; index < _replicas; index++)
        {
            _endpoints.Add(CreateEndpoint(index));
        }
    }

    private Endpoint CreateEndpoint(int replicaIndex) =>
        new("http", "http", replicaIndex == 0 && _replicas == 1 ? FixedPort : null, PortSetting);
}
