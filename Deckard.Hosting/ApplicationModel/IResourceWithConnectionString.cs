namespace Deckard.Hosting.ApplicationModel;

/// <summary>A resource others reach through a connection string (<c>ConnectionStrings__{name}</c>).</summary>
public interface IResourceWithConnectionString
{
    string Name { get; }

    /// <summary>The connection string once the resource's endpoint is known; null before.</summary>
    string? GetConnectionString();
}
