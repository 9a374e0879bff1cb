namespace Deckard.Hosting.ApplicationModel;

/// <summary>A named part of the topology: a database, a cache, a .NET project.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = ResourceName.Validate(name);

    /// <summary>The dashboard's "Type" column: Project, Executable, Container, ConnectionString...</summary>
    public abstract string Type { get; }

    /// <summary>Resources that must be healthy before this one starts.</summary>
    public List<Resource> WaitsFor { get; } = [];

    /// <summary>How many processes run this resource.</summary>
    public virtual int Replicas => 1;

    public override string ToString() => $"{Type} '{Name}'";
}
