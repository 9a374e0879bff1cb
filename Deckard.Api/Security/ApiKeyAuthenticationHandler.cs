using System.Security.Claims;
using System.Security.Cryptography;
using System.Text.Encodings.Web;
using Deckard.Core.Identity;
using Deckard.Core.Sessions;
using Microsoft.AspNetCore.Authentication;
using Microsoft.Extensions.Caching.Memory;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Security;

/// <summary>
/// <c>Authorization: Bearer dk_…</c>: a Deckard-issued key, looked up by its hash (and remembered briefly, so a busy
/// client costs one query per <see cref="AuthOptions.KeyCacheDuration"/>), or the configured development key.
/// </summary>
public sealed class ApiKeyAuthenticationHandler(
    IOptionsMonitor<AuthenticationSchemeOptions> schemeOptions, ILoggerFactory loggers, UrlEncoder encoder,
    ApiKeyStore keys, IMemoryCache cache, IOptions<AuthOptions> authOptions)
    : AuthenticationHandler<AuthenticationSchemeOptions>(schemeOptions, loggers, encoder)
{
    protected override async Task<AuthenticateResult> HandleAuthenticateAsync()
    {
        if (DeckardSchemes.BearerToken(Request) is not { } token)
        {
            return AuthenticateResult.NoResult();
        }

        var principal = IsDevelopmentKey(token) ? Owners.Development : await FindAsync(token);
        if (principal is null)
        {
            AuthenticationProblem.Remember(Context, "invalid-api-key", "The API key is not known, or it was revoked.");
            return AuthenticateResult.Fail("Unknown or revoked API key.");
        }

        return AuthenticateResult.Success(PrincipalTicket.Create(principal, Scheme.Name));
    }

    protected override Task HandleChallengeAsync(AuthenticationProperties properties) => AuthenticationProblem.WriteAsync(Context);

    private bool IsDevelopmentKey(string token) =>
        authOptions.Value.DevelopmentKey is { Length: > 0 } developmentKey
        && CryptographicOperations.FixedTimeEquals(ApiKeyFormat.Hash(token), ApiKeyFormat.Hash(developmentKey));

    private async Task<string?> FindAsync(string token)
    {
        if (!ApiKeyFormat.LooksLikeKey(token) || token.Length > 128)
        {
            return null;
        }

        var cacheKey = "apikey:" + Convert.ToHexString(ApiKeyFormat.Hash(token));
        if (cache.TryGetValue(cacheKey, out string? known))
        {
            return known;
        }

        var principal = await keys.FindPrincipalAsync(token, Context.RequestAborted);
        if (principal is not null && authOptions.Value.KeyCacheDuration > TimeSpan.Zero)
        {
            cache.Set(cacheKey, principal, new MemoryCacheEntryOptions { AbsoluteExpirationRelativeToNow = authOptions.Value.KeyCacheDuration, Size = 1 });
        }

        return principal;
    }
}

/// <summary>The authenticated principal as every scheme hands it on: its name is the owner of what it creates.</summary>
public static class PrincipalTicket
{
    public static AuthenticationTicket Create(string principal, string scheme, params Claim[] extra)
    {
        var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, principal), .. extra], scheme);
        return new AuthenticationTicket(new ClaimsPrincipal(identity), scheme);
    }
}
