using System.Security.Cryptography;

namespace Deckard.OpenAIMock.Wire;

/// <summary>
/// The <c>obfuscation</c> field of streamed deltas: random characters that pad each delta to a multiple of 16, so the
/// size of an encrypted event does not give away the size of the token it carries. Recorded: a 3-character delta has
/// 13 characters of obfuscation, a 119-character one 9.
/// </summary>
public static class StreamObfuscation
{
    private const int Block = 16;
    private const string Alphabet = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789";

    public static string For(string delta) => RandomNumberGenerator.GetString(Alphabet, Block - (delta.Length % Block));
}
