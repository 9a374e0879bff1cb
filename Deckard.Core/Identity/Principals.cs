using System.Text.RegularExpressions;

namespace Deckard.Core.Identity;

/// <summary>Who owns sessions, artifacts and avatars: an API key's principal, or a JWT's subject.</summary>
public static partial class Principals
{
    public static bool IsValid(string principal) => PrincipalPattern().IsMatch(principal);

    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9._@:-]{0,127}\z")]
    private static partial Regex PrincipalPattern();
}
