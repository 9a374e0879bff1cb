namespace Deckard.Core.Avatars;

/// <summary>The portrait lip-sync uses before a person has made one of their own (an embedded PNG).</summary>
public static class DefaultPortrait
{
    private const string ResourceName = "Deckard.Core.Avatars.default-portrait.png";

    public static byte[] Bytes => field ??= Load();

    private static byte[] Load()
    {
        using var stream = typeof(DefaultPortrait).Assembly.GetManifestResourceStream(ResourceName)
            ?? throw new InvalidOperationException($"The embedded resource {ResourceName} is missing from Deckard.Core.");
        using var copy = new MemoryStream();
        stream.CopyTo(copy);
        return copy.ToArray();
    }
}
