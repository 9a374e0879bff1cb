namespace Deckard.Hosting.ApplicationModel;

public static class OpenAIResourceBuilderExtensions
{
    /// <summary>
    /// OpenAI for the services. The key comes from <c>Parameters:{name}-api-key</c> or <c>OPENAI_API_KEY</c>; the endpoint
    /// from <c>OpenAI:Endpoint</c> (default <c>https://api.openai.com/v1</c>). Not itself a process: only a connection string.
    /// </summary>
    public static ResourceBuilder<OpenAIResource> AddOpenAI(this DeckardAppBuilder builder, string name)
    {
        var key = builder.Configuration[$"Parameters:{name}-api-key"] is { Length: > 0 } parameter
            ? parameter
            : builder.Configuration["OPENAI_API_KEY"];
        var endpoint = new Uri(builder.Configuration["OpenAI:Endpoint"] is { Length: > 0 } configured ? configured : "https://api.openai.com/v1");
        return new ResourceBuilder<OpenAIResource>(builder, new OpenAIResource(name, endpoint, string.IsNullOrWhiteSpace(key) ? null : key));
    }

    /// <summary>
    /// When no key is configured, runs <typeparamref name="TProject"/> (a server speaking OpenAI's wire protocol) as
    /// <paramref name="name"/> on <paramref name="port"/>, accepting the key <see cref="OpenAIResource.StandInKey"/>.
    /// With a key, nothing is added and the services talk to OpenAI.
    /// </summary>
    public static ResourceBuilder<OpenAIResource> WithLocalStandIn<TProject>(
        this ResourceBuilder<OpenAIResource> openai, string name, int port)
        where TProject : IProjectMetadata, new()
    {
        if (openai.Resource.ApiKey is not null)
        {
            return openai;
        }

        var standIn = openai.ApplicationBuilder.AddProject<TProject>(name)
            .WithHttpEndpoint(port)
            .WithEnvironment("OpenAIMock__ApiKey", OpenAIResource.StandInKey);
        openai.Resource.StandIn = standIn.Resource;
        return openai;
    }

    /// <summary>Injects <c>ConnectionStrings__{name}</c>; when the stand-in runs, the project also waits for it to be healthy.</summary>
    public static ResourceBuilder<ProjectResource> WithReference(
        this ResourceBuilder<ProjectResource> builder, ResourceBuilder<OpenAIResource> openai)
    {
        builder.Resource.ConnectionReferences.Add(new ConnectionReference(openai.Resource, openai.Resource.Name));
        if (openai.Resource.StandIn is { } standIn && !builder.Resource.WaitsFor.Contains(standIn))
        {
            builder.Resource.WaitsFor.Add(standIn);
        }

        return builder;
    }
}
