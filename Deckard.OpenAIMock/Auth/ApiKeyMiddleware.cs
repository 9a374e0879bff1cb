using System.Security.Cryptography;
using System.Text;
using Deckard.OpenAIMock.Configuration;
using Deckard.OpenAIMock.Wire;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Auth;

/// <summary>
/// Bearer auth on <c>/v1</c>, checked before anything else as OpenAI does: a missing or wrong key is a 401 with OpenAI's
/// error body. Browsers, which cannot set headers on a WebSocket, may pass the key as the subprotocol
/// <c>openai-insecure-api-key.KEY</c>.
/// </summary>
public sealed class ApiKeyMiddleware(RequestDelegate next, IOptions<OpenAIMockOptions> options, ILogger<ApiKeyMiddleware> logger)
{
    public const string InsecureKeySubprotocolPrefix = "openai-insecure-api-key.";

    public Task InvokeAsync(HttpContext context)
    {
        if (!context.Request.Path.StartsWithSegments("/v1"))
        {
            return next(context);
        }

        var presented = PresentedKey(context.Request);
        if (presented is null)
        {
            logger.LogInformation("Rejected {Method} {Path}: no API key", context.Request.Method, context.Request.Path);
            return OpenAIError.MissingApiKey().WriteAsync(context.Response);
        }

        if (!CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), Encoding.UTF8.GetBytes(options.Value.ApiKey)))
        {
            logger.LogInformation("Rejected {Method} {Path}: incorrect API key", context.Request.Method, context.Request.Path);
            // Sent with every recorded 401 (ImagesTests/GenerateImageCanParseServiceError).
            context.Response.Headers.WWWAuthenticate = "Bearer realm=\"OpenAI API\"";
            return OpenAIError.IncorrectApiKey(presented).WriteAsync(context.Response);
        }

        return next(context);
    }

    private static string? PresentedKey(HttpRequest request)
    {
        var authorization = request.Headers.Authorization.ToString();
        if (authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase))
        {
            var key = authorization["Bearer ".Length..].Trim();
            return key.Length > 0 ? key : null;
        }

        return request.Headers.SecWebSocketProtocol
            .SelectMany(value => (value ?? "").Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
            .Where(protocol => protocol.StartsWith(InsecureKeySubprotocolPrefix, StringComparison.Ordinal))
            .Select(protocol => protocol[InsecureKeySubprotocolPrefix.Length..])
            .FirstOrDefault();
    }
}
