namespace Deckard.Core.OpenAI;

/// <summary>The voices of OpenAI's text-to-speech and realtime models that a session may name in <c>options.voice</c>.</summary>
public static class SpeechVoices
{
    public static IReadOnlyList<string> All { get; } =
        ["alloy", "ash", "ballad", "coral", "echo", "fable", "nova", "onyx", "sage", "shimmer", "verse", "marin", "cedar"];

    public static bool IsKnown(string voice) => All.Contains(voice, StringComparer.Ordinal);
}
