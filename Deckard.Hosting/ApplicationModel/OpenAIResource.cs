namespace Deckard.Hosting.ApplicationModel;

/// <summary>
/// OpenAI as the services see it: <c>ConnectionStrings__{name}</c> = <c>Endpoint=...;Key=...</c>. With an API key
/// configured it is the real service (nothing runs locally); without one, a local stand-in project answers instead.
/// </summary>
public sealed class OpenAIResource(string name, Uri endpoint, string? apiKey) : Resource(name), IResourceWithConnectionString
{
    public const string StandInKey = "sk-deckard-local";

    public override string Type => "ExternalService";

    public Uri Endpoint { get; } = endpoint;

    /// <summary>The configured key; null means "no key, use the stand-in".</summary>
    public string? ApiKey { get; } = apiKey;

    /// <summary>The local stand-in that answers when no key is configured.</summary>
    public ProjectResource? StandIn { get; internal set; }

    public string? GetConnectionString()
    {
        if (StandIn is null)
        {
            return ApiKey is null ? null : $"Endpoint={Endpoint};Key={ApiKey}";
        }

        var urls = StandIn.GetEndpointUrls();
        return urls.Count == 0 ? null : $"Endpoint={urls[0].ToString().TrimEnd('/')}/v1;Key={StandInKey}";
    }
}
