using System.Security.Cryptography;
using System.Text;

namespace Deckard.Core.Identity;

/// <summary>
/// Deckard's API keys: <c>dk_</c>, an 8-character public prefix that names the key in listings, <c>_</c>, and 256
/// random bits. Keys are stored as SHA-256 hashes: a key this random needs no slow hash, and lookup stays one index probe.
/// </summary>
public static class ApiKeyFormat
{
    public const string Marker = "dk_";
    private const int PrefixLength = 8;
    private const string PrefixAlphabet = "abcdefghijkmnopqrstuvwxyz23456789";

    public static (string Key, string Prefix) Generate()
    {
        var prefix = RandomNumberGenerator.GetString(PrefixAlphabet, PrefixLength);
        var secret = Convert.ToBase64String(RandomNumberGenerator.GetBytes(32)).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        return ($"{Marker}{prefix}_{secret}", prefix);
    }

    /// <summary>True when the bearer token is shaped like a Deckard key (it may still be unknown or revoked).</summary>
    public static bool LooksLikeKey(string token) =>
        token.StartsWith(Marker, StringComparison.Ordinal) && token.Length > Marker.Length + PrefixLength + 1 && token[Marker.Length + PrefixLength] == '_';

    public static byte[] Hash(string key) => SHA256.HashData(Encoding.UTF8.GetBytes(key));
}
