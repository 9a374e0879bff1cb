using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Media;

/// <summary>Media links that work without a session cookie but expire: <c>/api/media/{id}?expires=unix&amp;sig=hmac</c>.</summary>
public sealed class MediaUrlSigner(IOptions<MediaOptions> options, TimeProvider timeProvider)
{
    private readonly byte[] _key = options.Value.SigningKey is { Length: > 0 } configured
        ? Encoding.UTF8.GetBytes(configured)
        : RandomNumberGenerator.GetBytes(32);

    public string SignedPath(Guid artifactId)
    {
        var expires = timeProvider.GetUtcNow().Add(options.Value.UrlLifetime).ToUnixTimeSeconds();
        return $"/api/media/{artifactId}?expires={expires}&sig={Signature(artifactId, expires)}";
    }

    public bool IsValid(Guid artifactId, long expires, string? signature)
    {
        if (signature is null || expires < timeProvider.GetUtcNow().ToUnixTimeSeconds())
        {
            return false;
        }

        return CryptographicOperations.FixedTimeEquals(
            Encoding.ASCII.GetBytes(Signature(artifactId, expires)), Encoding.ASCII.GetBytes(signature));
    }

    private string Signature(Guid artifactId, long expires) =>
        Convert.ToHexStringLower(HMACSHA256.HashData(_key, Encoding.UTF8.GetBytes($"{artifactId:N}:{expires.ToString(CultureInfo.InvariantCulture)}")));
}
