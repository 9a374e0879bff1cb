using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;

namespace Deckard.RunPodMock.StableAvatar;

/// <summary>What a render costs, and how long the stand-in makes it last.</summary>
public sealed record RenderCost(int Frames, double LatentFrames, int Windows, double ResolutionFactor, double OffloadFactor, double CostSeconds, TimeSpan Simulated)
{
    public JsonObject Snapshot() => new()
    {
        ["frames"] = Frames,
        ["latent_frames"] = LatentFrames,
        ["windows"] = Windows,
        ["resolution_factor"] = ResolutionFactor,
        ["offload_factor"] = OffloadFactor,
        ["cost_seconds"] = Math.Round(CostSeconds, 3),
        ["simulated_seconds"] = Math.Round(Simulated.TotalSeconds, 3),
    };
}

/// <summary>
/// StableAvatar's cost, from its pipeline: time ∝ steps × windows × resolution. The audio gives
/// <c>frames = samples / int(16000/fps)</c> and a quarter as many latent frames; a window holds
/// <c>F = (clip−1)/4 + 1</c> latent frames (21 by default) and the next starts <c>F − overlap</c> later, so
/// <c>windows = 1 + ceil((L − F) / (F − overlap))</c>. Calibrated on the README and paper figures for an RTX 4090
/// (about 2.3 min for one 81-frame window at 480×832 and 50 steps, about 3 min for 5 s). Offloading to the CPU
/// slows each step by an assumed factor.
/// </summary>
public static class CostModel
{
    public static RenderCost Estimate(GenerateRequest request, int frames, CostModelOptions model, double timeScale)
    {
        var latentFrames = frames / 4.0;
        var window = request.LatentWindow;
        var stride = window - request.OverlapWindow;
        var windows = 1 + (int)Math.Max(0, Math.Ceiling((latentFrames - window) / stride));
        var resolution = request.Width * (double)request.Height / (512.0 * 512.0);
        var offload = OffloadFactor(request.MemoryMode);
        var cost = model.SetupSeconds + (model.SecondsPerStepWindow * request.Steps * windows * resolution * offload);
        return new RenderCost(frames, latentFrames, windows, resolution, offload, cost, TimeSpan.FromSeconds(cost * timeScale));
    }

    /// <summary>Assumed slow-downs of the memory modes (the README only says offloading is slower).</summary>
    public static double OffloadFactor(string memoryMode) => memoryMode switch
    {
        "model_cpu_offload" => 1.25,
        "model_cpu_offload_and_qfloat8" => 1.35,
        "sequential_cpu_offload" => 4.0,
        _ => 1.0,
    };
}
