namespace Deckard.OpenAIMock.Wire;

/// <summary>Usage figures without a tokenizer: one token per four characters of text, one audio token per 100 ms.</summary>
public static class TokenEstimator
{
    public static int ForText(string? text) => string.IsNullOrEmpty(text) ? 0 : (text.Length + 3) / 4;

    public static int ForAudio(TimeSpan duration) => (int)Math.Ceiling(duration.TotalMilliseconds / 100);
}
