using System.Text.Json.Nodes;

namespace Deckard.RunPodMock.StableAvatar;

public enum ComponentKind
{
    Dropdown,
    Slider,
    Number,
    Textbox,
    Image,
    Audio,
}

/// <summary>
/// One input of StableAvatar's <c>generate</c> as <c>app.py</c> declares it. Bounds keep their Python spelling ("1.0" vs "1")
/// because Gradio prints them in its messages.
/// </summary>
public sealed record GenerateParameter(
    string Name,
    string Label,
    ComponentKind Kind,
    int ComponentId,
    JsonNode? Default = null,
    string? Minimum = null,
    string? Maximum = null,
    string? Step = null,
    IReadOnlyList<string>? Choices = null,
    bool ModelNeedsInteger = false)
{
    public bool HasDefault => Default is not null;

    public bool IsFile => Kind is ComponentKind.Image or ComponentKind.Audio;

    public double MinimumValue => double.Parse(Minimum!, System.Globalization.CultureInfo.InvariantCulture);

    public double MaximumValue => double.Parse(Maximum!, System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>The component's name as Gradio writes it in <c>/config</c> (lower case) and <c>/info</c> (capitalized).</summary>
    public string ComponentName => Kind.ToString().ToLowerInvariant();
}
