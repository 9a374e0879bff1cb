namespace Deckard.Core.OpenAI;

/// <summary>
/// The portrait styles a session may ask for in <c>options.style</c> (or the router may pick), each with the words
/// that ask the image model for it. A style the router names that is not here is passed on as it is said.
/// </summary>
public static class PortraitStyles
{
    public static IReadOnlyDictionary<string, string> Presets { get; } = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase)
    {
        ["photorealistic"] = "a photorealistic studio photograph, soft key light, shallow depth of field, natural skin texture",
        ["anime"] = "anime style, clean line art, cel shading, expressive eyes",
        ["oil painting"] = "an oil painting with visible brush strokes, rich classical colours",
        ["3d render"] = "a 3D render, soft global illumination, subsurface scattering, stylised character design",
        ["watercolor"] = "a watercolor painting, soft washes of colour, paper texture",
        ["pixel art"] = "pixel art, limited palette, crisp pixels",
        ["comic"] = "a comic book illustration, bold ink outlines, halftone shading",
        ["sketch"] = "a pencil sketch, cross-hatching, graphite on paper",
    };

    public static bool IsPreset(string style) => Presets.ContainsKey(style.Trim());

    /// <summary>
    /// The image prompt: who the portrait shows, in which style, framed for a talking avatar (one face, looking at the
    /// camera, head and shoulders, plain background), which is what lip-sync needs.
    /// </summary>
    public static string Prompt(string description, string? style)
    {
        var look = style is null
            ? Presets["photorealistic"]
            : Presets.TryGetValue(style.Trim(), out var preset) ? preset : $"{style.Trim()} style";
        return $"A head-and-shoulders portrait of {description.Trim().TrimEnd('.')}, in {look}. " +
               "One person facing the camera, the whole face visible and centred, mouth closed, neutral expression, plain background.";
    }
}
