namespace Deckard.Core.Artifacts;

/// <summary>The kinds of the public contract (<c>artifact.created</c>'s <c>kind</c>).</summary>
public static class ArtifactKinds
{
    public const string Audio = "audio";
    public const string Image = "image";
    public const string Video = "video";
    public const string Transcript = "transcript";
}
