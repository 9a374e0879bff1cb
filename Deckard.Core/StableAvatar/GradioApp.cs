using System.Text.Json;

namespace Deckard.Core.StableAvatar;

/// <summary>What <c>/config</c> and <c>/info</c> say about the app: its route prefix, version, and the endpoint's parameters.</summary>
public sealed record GradioApp(Uri BaseUrl, string Prefix, string? Version, IReadOnlyList<GradioParameter> Parameters)
{
    public Uri Route(string path) => new(BaseUrl, Prefix + path);
}

/// <summary>One input of the endpoint, by its stable <c>parameter_name</c>.</summary>
public sealed record GradioParameter(string Name, bool HasDefault, JsonElement? Default, string? Component, bool IsInteger, double? Minimum, double? Maximum);
