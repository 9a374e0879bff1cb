using System.ComponentModel.DataAnnotations;

namespace Deckard.Api.Security;

/// <summary>Who may call the API (configuration section <c>Auth</c>).</summary>
public sealed class AuthOptions
{
    public const string SectionName = "Auth";

    /// <summary>The well-known key of DESIGN.md section 8; refused outside Development.</summary>
    public const string WellKnownDevelopmentKey = "deckard-dev-key";

    /// <summary>
    /// A key accepted as the development principal (<c>dev</c>) besides the stored keys. The AppHost sets it
    /// (<c>deckard-dev-key</c>, or <c>DECKARD_DEV_API_KEY</c>); a deployment leaves it empty.
    /// </summary>
    public string? DevelopmentKey { get; set; }

    /// <summary>JWTs from an external identity provider; off while <see cref="JwtOptions.Issuer"/> is empty.</summary>
    public JwtOptions Jwt { get; set; } = new();

    /// <summary>How long a ticket for an EventSource or WebSocket URL stays usable (it is also single-use).</summary>
    [Range(typeof(TimeSpan), "00:00:05", "00:10:00")]
    public TimeSpan TicketLifetime { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>How long a checked API key is remembered in memory; a revoked key stops working within this time.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:10:00")]
    public TimeSpan KeyCacheDuration { get; set; } = TimeSpan.FromSeconds(30);
}

/// <summary>
/// An OpenID Connect or OAuth identity provider's access tokens (e.g. Supabase: issuer
/// <c>https://&lt;project&gt;.supabase.co/auth/v1</c>, audience <c>authenticated</c>).
/// </summary>
public sealed class JwtOptions
{
    public string? Issuer { get; set; }

    public string? Audience { get; set; }

    /// <summary>A shared HS256 secret (Supabase's legacy JWT secret). A secret: set it from the environment.</summary>
    public string? SigningKey { get; set; }

    /// <summary>
    /// Where the provider publishes its signing keys, for asymmetric tokens: the OpenID metadata document
    /// (e.g. <c>https://&lt;project&gt;.supabase.co/auth/v1/.well-known/openid-configuration</c>).
    /// </summary>
    public string? MetadataAddress { get; set; }

    /// <summary>The claim that names the principal; <c>sub</c> by default.</summary>
    public string PrincipalClaim { get; set; } = "sub";

    public bool Enabled => !string.IsNullOrWhiteSpace(Issuer);
}
