using System.Globalization;
using System.Text.Json.Nodes;

namespace Deckard.Core.StableAvatar;

/// <summary>
/// How long a render should take, for the ETA the browser shows: StableAvatar's time grows with sampling steps ×
/// windows × resolution. The audio gives 25 frames per second (at the default fps), a quarter as many latent frames;
/// a window holds <c>(clip − 1) / 4 + 1</c> latent frames and the next one starts <c>overlap</c> frames before its end.
/// </summary>
public static class RenderEstimate
{
    public static TimeSpan Of(GradioApp app, JsonArray data, TimeSpan audio, RenderCostOptions cost)
    {
        double Number(string name, double fallback)
        {
            for (var index = 0; index < app.Parameters.Count && index < data.Count; index++)
            {
                if (app.Parameters[index].Name == name && data[index] is JsonValue value
                    && double.TryParse(value.ToJsonString().Trim('"'), NumberStyles.Float, CultureInfo.InvariantCulture, out var number))
                {
                    return number;
                }
            }

            return fallback;
        }

        var steps = Number("num_inference_steps", 10);
        var fps = Number("fps", 25);
        var window = (Number("clip_sample_n_frames", 81) - 1) / 4 + 1;
        var overlap = Number("overlap_window_length", 5);
        var resolution = Number("width", 512) * Number("height", 512) / (512.0 * 512.0);
        var latentFrames = audio.TotalSeconds * fps / 4;
        var windows = 1 + Math.Max(0, Math.Ceiling((latentFrames - window) / Math.Max(1, window - overlap)));
        var seconds = cost.SetupSeconds + (cost.SecondsPerStepWindow * steps * windows * resolution);
        return TimeSpan.FromSeconds(seconds * cost.Scale);
    }
}
