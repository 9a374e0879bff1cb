namespace Deckard.Core.Artifacts;

/// <summary>
/// What an artifact is for within its session. A role is unique per session, so a step that runs again cannot store
/// its artifact twice, while a session can hold several artifacts of one kind (an uploaded and a spoken audio).
/// </summary>
public static class ArtifactRoles
{
    public const string InputAudio = "input-audio";
    public const string InputPortrait = "input-portrait";
    public const string InputSpeech = "input-speech";
    public const string Transcript = "transcript";

    /// <summary>A generated portrait; the owner's newest one is their current avatar.</summary>
    public const string Portrait = "portrait";

    /// <summary>The spoken version of a web-search answer.</summary>
    public const string AnswerSpeech = "answer-speech";
    public const string LipsyncVideo = "lipsync-video";
}
