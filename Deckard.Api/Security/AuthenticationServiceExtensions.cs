using System.Text;
using Deckard.Core.Identity;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Authentication.JwtBearer;
using Microsoft.AspNetCore.Authorization;
using Microsoft.Extensions.Options;
using Microsoft.IdentityModel.Tokens;

namespace Deckard.Api.Security;

public static class AuthenticationServiceExtensions
{
    /// <summary>
    /// Bearer authentication with Deckard API keys or an identity provider's JWTs, tickets for EventSource and WebSocket
    /// URLs, and a fallback policy: every endpoint needs a principal unless it is marked anonymous.
    /// </summary>
    public static IHostApplicationBuilder AddDeckardAuthentication(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<AuthOptions>()
            .Bind(builder.Configuration.GetSection(AuthOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => builder.Environment.IsDevelopment() || options.DevelopmentKey != AuthOptions.WellKnownDevelopmentKey,
                $"Auth:DevelopmentKey is the published '{AuthOptions.WellKnownDevelopmentKey}', which only Development accepts; " +
                "create API keys with 'Deckard.Api keys create' instead.")
            .Validate(options => !options.Jwt.Enabled || !string.IsNullOrWhiteSpace(options.Jwt.Audience),
                "Auth:Jwt:Audience is required when Auth:Jwt:Issuer is set.")
            .Validate(options => !options.Jwt.Enabled || !string.IsNullOrWhiteSpace(options.Jwt.SigningKey) || !string.IsNullOrWhiteSpace(options.Jwt.MetadataAddress),
                "Auth:Jwt needs SigningKey (HS256) or MetadataAddress (the provider's published keys).")
            .Validate(options => options.Jwt.SigningKey is not { Length: > 0 and < 32 },
                "Auth:Jwt:SigningKey must be at least 32 characters.")
            .ValidateOnStart();
        builder.Services.AddMemoryCache(cache => cache.SizeLimit = 100_000);
        builder.Services.AddSingleton<AccessTickets>();

        var jwt = builder.Configuration.GetSection(AuthOptions.SectionName).Get<AuthOptions>()?.Jwt ?? new JwtOptions();
        var authentication = builder.Services.AddAuthentication(DeckardSchemes.Bearer)
            .AddPolicyScheme(DeckardSchemes.Bearer, "API key, JWT or ticket", policy => policy.ForwardDefaultSelector = context =>
                context.Request.Query.ContainsKey(DeckardSchemes.TicketQueryParameter) ? DeckardSchemes.Ticket
                : jwt.Enabled && DeckardSchemes.BearerToken(context.Request) is { } token && DeckardSchemes.LooksLikeJwt(token) && !ApiKeyFormat.LooksLikeKey(token)
                    ? DeckardSchemes.Jwt
                    : DeckardSchemes.ApiKey)
            .AddScheme<AuthenticationSchemeOptions, ApiKeyAuthenticationHandler>(DeckardSchemes.ApiKey, null)
            .AddScheme<AuthenticationSchemeOptions, TicketAuthenticationHandler>(DeckardSchemes.Ticket, null);
        if (jwt.Enabled)
        {
            authentication.AddJwtBearer(DeckardSchemes.Jwt, bearer => ConfigureJwt(bearer, jwt));
        }

        builder.Services.AddAuthorizationBuilder()
            .SetFallbackPolicy(new AuthorizationPolicyBuilder(DeckardSchemes.Bearer).RequireAuthenticatedUser().Build());
        return builder;
    }

    private static void ConfigureJwt(JwtBearerOptions bearer, JwtOptions jwt)
    {
        bearer.MapInboundClaims = false;
        bearer.MetadataAddress = jwt.MetadataAddress ?? "";
        bearer.RequireHttpsMetadata = jwt.MetadataAddress?.StartsWith("https://", StringComparison.OrdinalIgnoreCase) ?? true;
        bearer.TokenValidationParameters = new TokenValidationParameters
        {
            ValidIssuer = jwt.Issuer,
            ValidAudience = jwt.Audience,
            ValidateIssuer = true,
            ValidateAudience = true,
            ValidateLifetime = true,
            RequireExpirationTime = true,
            ClockSkew = TimeSpan.FromSeconds(30),
            NameClaimType = jwt.PrincipalClaim,
            IssuerSigningKey = jwt.SigningKey is { Length: > 0 } secret ? new SymmetricSecurityKey(Encoding.UTF8.GetBytes(secret)) : null,
        };
        bearer.Events = new JwtBearerEvents
        {
            OnTokenValidated = context =>
            {
                // The subject becomes the owner of what the caller creates: it must be a name Deckard can store.
                if (context.Principal?.FindFirst(jwt.PrincipalClaim)?.Value is not { } subject || !Principals.IsValid(subject))
                {
                    context.Fail($"The token's '{jwt.PrincipalClaim}' claim is missing or not a valid principal.");
                    return Task.CompletedTask;
                }

                context.Principal = PrincipalTicket.Create(subject, DeckardSchemes.Jwt).Principal;
                return Task.CompletedTask;
            },
            OnAuthenticationFailed = context =>
            {
                AuthenticationProblem.Remember(context.HttpContext, "invalid-token", context.Exception switch
                {
                    SecurityTokenExpiredException => "The token has expired.",
                    SecurityTokenInvalidAudienceException => "The token is not for this audience.",
                    SecurityTokenInvalidIssuerException => "The token is from another issuer.",
                    SecurityTokenSignatureKeyNotFoundException or SecurityTokenInvalidSignatureException => "The token's signature is not valid.",
                    _ => "The token could not be validated.",
                });
                return Task.CompletedTask;
            },
            OnChallenge = async context =>
            {
                context.HandleResponse();
                if (context.AuthenticateFailure is not null && !AuthenticationProblem.HasReason(context.HttpContext))
                {
                    AuthenticationProblem.Remember(context.HttpContext, "invalid-token", "The token could not be validated.");
                }

                await AuthenticationProblem.WriteAsync(context.HttpContext);
            },
        };
    }
}
