namespace Deckard.Core.Steps;

public static class StepNames
{
    public const string Transcribe = "transcribe";
    public const string Classify = "classify";
    public const string Portrait = "portrait";
    public const string WebSearch = "web_search";
    public const string Speech = "speech";
    public const string Lipsync = "lipsync";
}
