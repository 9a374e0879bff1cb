using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace Deckard.Core.Search;

/// <summary>
/// Two questions that differ only in case, spacing, accents' encoding or trailing punctuation ask the same thing: they
/// share a key (a SHA-256, so the question itself is not what is indexed).
/// </summary>
public static class QuestionKey
{
    public static string Normalise(string question)
    {
        var text = question.Normalize(NormalizationForm.FormKC).ToLower(CultureInfo.InvariantCulture);
        var builder = new StringBuilder(text.Length);
        var pendingSpace = false;
        foreach (var character in text)
        {
            if (char.IsWhiteSpace(character))
            {
                pendingSpace = builder.Length > 0;
                continue;
            }

            if (pendingSpace)
            {
                builder.Append(' ');
                pendingSpace = false;
            }

            builder.Append(character);
        }

        return builder.ToString().TrimEnd('?', '!', '.', ' ', '…');
    }

    public static string Of(string question) =>
        Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(Normalise(question))));
}
