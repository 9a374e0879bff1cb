namespace Deckard.Hosting.ApplicationModel;

public static class RedisResourceBuilderExtensions
{
    /// <summary>
    /// A Redis server resource. Configuration <c>ConnectionStrings:{name}</c> replaces it with an existing server;
    /// <c>Parameters:{name}-password</c> sets the password; <c>Resources:{name}:Port</c> the port for a person's run.
    /// </summary>
    public static ResourceBuilder<RedisResource> AddRedis(this DeckardAppBuilder builder, string name)
    {
        var resource = new RedisResource(
            name,
            builder.Parameters.GetOrCreateSecret($"{name}-password"),
            builder.GetFixedPort(name, defaultPort: null),
            builder.GetExternalConnectionString(name));
        return builder.AddResource(resource);
    }
}
