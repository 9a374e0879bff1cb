namespace Deckard.RunPodMock.StableAvatar;

/// <summary>The arguments <c>generate(...)</c> receives once Gradio has preprocessed the 18 inputs.</summary>
public sealed record GenerateRequest(
    string MemoryMode,
    double TeacacheThreshold,
    double SkipStartSteps,
    int ClipFrames,
    string ImagePath,
    string AudioPath,
    string Prompt,
    string NegativePrompt,
    int Width,
    int Height,
    double GuidanceScale,
    int Steps,
    double TextGuideScale,
    double AudioGuideScale,
    int MotionFrame,
    double Fps,
    int OverlapWindow,
    long SeedParam)
{
    /// <summary>The pipeline's <c>video_length</c>: the window rounded down to 4n+1 frames.</summary>
    public int WindowFrames => ClipFrames == 1 ? 1 : ((ClipFrames - 1) / 4 * 4) + 1;

    /// <summary>Latent frames per window (the VAE compresses time by 4): 21 for the default 81 frames.</summary>
    public int LatentWindow => ((WindowFrames - 1) / 4) + 1;
}
