namespace Deckard.Core.Sessions;

/// <summary>What a session started from; with its intent, it picks the session's flow.</summary>
public static class SessionKinds
{
    /// <summary>An uploaded voice prompt: transcribed, then routed.</summary>
    public const string Voice = "voice";

    /// <summary>A typed prompt: routed.</summary>
    public const string Prompt = "prompt";

    /// <summary>An uploaded portrait and speech, lip-synced as they are.</summary>
    public const string Lipsync = "lipsync";
}
