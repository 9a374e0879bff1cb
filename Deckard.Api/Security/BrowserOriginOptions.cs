namespace Deckard.Api.Security;

/// <summary>
/// Which web origins may call the API from a browser (configuration section <c>Cors</c>, e.g.
/// <c>Cors__AllowedOrigins__0=https://app.example.com</c>). Empty: no cross-origin browser access.
/// </summary>
public sealed class BrowserOriginOptions
{
    public const string SectionName = "Cors";

    public string[] AllowedOrigins { get; set; } = [];

    /// <summary>An origin is a scheme, a host and maybe a port: no path, no wildcard.</summary>
    public bool AllValid() => AllowedOrigins.All(origin =>
        Uri.TryCreate(origin, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https" && uri.AbsolutePath == "/"
        && !origin.EndsWith('/') && !origin.Contains('*', StringComparison.Ordinal));
}
