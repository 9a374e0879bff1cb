namespace Deckard.Core.Steps;

public static class StepNames
{
    public const string Transcribe = "transcribe";
    public const string Classify = "classify";
    public const string Lipsync = "lipsync";
}
