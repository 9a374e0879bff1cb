namespace Deckard.Core.Steps;

public static class StepNames
{
    public const string Transcribe = "transcribe";
    public const string Classify = "classify";
    public const string Portrait = "portrait";
    public const string WebSearch = "web_search";
    public const string Speech = "speech";
    public const string Lipsync = "lipsync";

    /// <summary>
    /// A live conversation's model usage, recorded by the realtime proxy as a completed step (no worker runs it), so the
    /// cost estimate prices it like any other model call.
    /// </summary>
    public const string Realtime = "realtime";
}
