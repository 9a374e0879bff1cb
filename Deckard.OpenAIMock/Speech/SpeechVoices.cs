namespace Deckard.OpenAIMock.Speech;

/// <summary>OpenAI's voices, each mapped to an English espeak-ng voice variant so voices sound different.</summary>
public static class SpeechVoices
{
    private static readonly Dictionary<string, string> EspeakVoices = new()
    {
        ["alloy"] = "en-us",
        ["ash"] = "en-us+m3",
        ["ballad"] = "en-gb+m4",
        ["coral"] = "en-us+f2",
        ["echo"] = "en-us+m1",
        ["fable"] = "en-gb",
        ["onyx"] = "en-us+m7",
        ["nova"] = "en-us+f3",
        ["sage"] = "en-us+f4",
        ["shimmer"] = "en-us+f5",
        ["verse"] = "en-gb+m2",
        ["marin"] = "en-us+f1",
        ["cedar"] = "en-us+m2",
    };

    public static IReadOnlyCollection<string> Names => EspeakVoices.Keys;

    /// <summary>The voices the Realtime API accepts.</summary>
    public static readonly IReadOnlyList<string> Realtime = ["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"];

    public static bool IsKnown(string voice) => EspeakVoices.ContainsKey(voice);

    public static string EspeakVoiceFor(string voice) => EspeakVoices.GetValueOrDefault(voice, "en-us");
}
