namespace Deckard.Hosting.ApplicationModel;

public static class ProjectResourceBuilderExtensions
{
    /// <summary>Injects <c>ConnectionStrings__{connectionName}</c> (default: the resource's name).</summary>
    public static ResourceBuilder<ProjectResource> WithReference<TSource>(
        this ResourceBuilder<ProjectResource> builder,
        ResourceBuilder<TSource> source,
        string? connectionName = null)
        where TSource : Resource, IResourceWithConnectionString
    {
        builder.Resource.ConnectionReferences.Add(new ConnectionReference(source.Resource, connectionName ?? source.Resource.Name));
        return builder;
    }

    /// <summary>Injects <c>services__{name}__http__{i}</c> for every replica of <paramref name="service"/> (service discovery).</summary>
    public static ResourceBuilder<ProjectResource> WithReference(
        this ResourceBuilder<ProjectResource> builder,
        ResourceBuilder<ProjectResource> service)
    {
        builder.Resource.ServiceReferences.Add(service.Resource);
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithReplicas(this ResourceBuilder<ProjectResource> builder, int replicas)
    {
        builder.Resource.SetReplicas(replicas);
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithEnvironment(
        this ResourceBuilder<ProjectResource> builder, string name, string value)
    {
        builder.Resource.Environment[name] = value;
        return builder;
    }

    public static ResourceBuilder<ProjectResource> WithHttpHealthCheck(
        this ResourceBuilder<ProjectResource> builder, string path)
    {
        builder.Resource.HealthCheckPath = path;
        return builder;
    }

    /// <summary>
    /// The stable port for a person's run (overridable as <c>Resources:{name}:Port</c>); tests get a random free port,
    /// and so does every replica when there are several.
    /// </summary>
    public static ResourceBuilder<ProjectResource> WithHttpEndpoint(this ResourceBuilder<ProjectResource> builder, int port)
    {
        builder.Resource.SetFixedPort(builder.ApplicationBuilder.GetFixedPort(builder.Resource.Name, port));
        return builder;
    }
}
