using System.Text.RegularExpressions;

namespace Deckard.Hosting.ApplicationModel;

internal static partial class ResourceName
{
    /// <summary>Names become environment variable parts and URLs: lower-case letters, digits and dashes.</summary>
    public static string Validate(string name)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        if (!ValidName().IsMatch(name))
        {
            throw new ArgumentException(
                $"Resource name '{name}' is not valid: use lower-case letters, digits and dashes, starting with a letter.",
                nameof(name));
        }

        return name;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]{0,62}$")]
    private static partial Regex ValidName();
}
