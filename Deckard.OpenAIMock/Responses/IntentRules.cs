using System.Text.RegularExpressions;

namespace Deckard.OpenAIMock.Responses;

public enum UserIntent
{
    /// <summary>Asks for a portrait, picture, avatar or image.</summary>
    Image,
    /// <summary>Asks a question.</summary>
    Question,
    /// <summary>Anything else: wants to talk.</summary>
    Conversation,
}

/// <summary>
/// How the stand-in reads what a person wants, when no script says otherwise. In order:
/// a picture word (portrait, picture, avatar, image, photo, drawing, painting, draw, paint, illustration, selfie) → <see cref="UserIntent.Image"/>;
/// a question (ends with '?', starts with a question word, or says "tell me about", "explain", "look up", "search") → <see cref="UserIntent.Question"/>;
/// otherwise <see cref="UserIntent.Conversation"/>.
/// </summary>
public static partial class IntentRules
{
    public static UserIntent Classify(string text)
    {
        if (PictureWords().IsMatch(text))
        {
            return UserIntent.Image;
        }

        var trimmed = text.Trim();
        return trimmed.EndsWith('?') || QuestionStart().IsMatch(trimmed) || QuestionPhrase().IsMatch(trimmed)
            ? UserIntent.Question
            : UserIntent.Conversation;
    }

    [GeneratedRegex(@"\b(portraits?|pictures?|avatars?|images?|photos?|photographs?|drawings?|paintings?|draw|paint|illustrations?|selfies?)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex PictureWords();

    [GeneratedRegex(@"^(who|what|when|where|why|how|which|whose|whom|is|are|was|were|does|do|did|can|could|should|would|will)\b",
        RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuestionStart();

    [GeneratedRegex(@"\b(tell me about|explain|look up|search for|search)\b", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex QuestionPhrase();
}
