namespace Deckard.Hosting.ApplicationModel;

/// <summary>Fluent configuration of one resource, the shape Aspire's <c>IResourceBuilder&lt;T&gt;</c> has.</summary>
public sealed class ResourceBuilder<T>(DeckardAppBuilder applicationBuilder, T resource)
    where T : Resource
{
    public DeckardAppBuilder ApplicationBuilder { get; } = applicationBuilder;

    public T Resource { get; } = resource;

    /// <summary>Start only once <paramref name="dependency"/> is healthy.</summary>
    public ResourceBuilder<T> WaitFor<TDependency>(ResourceBuilder<TDependency> dependency)
        where TDependency : Resource
    {
        if (!Resource.WaitsFor.Contains(dependency.Resource))
        {
            Resource.WaitsFor.Add(dependency.Resource);
        }

        return this;
    }
}
