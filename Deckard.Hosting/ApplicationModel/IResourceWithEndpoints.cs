namespace Deckard.Hosting.ApplicationModel;

/// <summary>A resource others reach by URL, published to them as <c>services__{name}__{endpoint}__{index}</c>.</summary>
public interface IResourceWithEndpoints
{
    string Name { get; }

    /// <summary>The URL of every replica's endpoint, in replica order; empty before ports are allocated.</summary>
    IReadOnlyList<Uri> GetEndpointUrls();
}
