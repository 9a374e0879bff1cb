using System.Security.Cryptography;
using System.Text;
using System.Text.Json;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>HS256 tokens as an identity provider (a Supabase project, say) issues them, built by hand so each part can be bent.</summary>
public static class TestJwt
{
    public static string Create(
        string subject, DateTimeOffset? expires = null, string issuer = PipelineFixture.JwtIssuer, string audience = PipelineFixture.JwtAudience,
        string key = PipelineFixture.JwtSigningKey, string algorithm = "HS256")
    {
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = algorithm, typ = "JWT" }));
        var exp = (expires ?? DateTimeOffset.UtcNow.AddMinutes(10)).ToUnixTimeSeconds();
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new
        {
            sub = subject,
            iss = issuer,
            aud = audience,
            exp,
            iat = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds(),
            role = "authenticated",
        }));
        var signature = algorithm == "none" ? "" : Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(key), Encoding.ASCII.GetBytes($"{header}.{payload}")));
        return $"{header}.{payload}.{signature}";
    }

    private static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
}
