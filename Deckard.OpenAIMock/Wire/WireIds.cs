using System.Security.Cryptography;

namespace Deckard.OpenAIMock.Wire;

/// <summary>Identifiers shaped like OpenAI's: a type prefix, an underscore and random hex.</summary>
public static class WireIds
{
    public static string New(string prefix, int hexLength = 48) =>
        prefix + "_" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(hexLength / 2));
}
