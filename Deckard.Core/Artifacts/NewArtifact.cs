namespace Deckard.Core.Artifacts;

/// <summary>An artifact to store: its bytes come from memory or from a file, and are streamed to the database.</summary>
public sealed record NewArtifact(string Kind, string Role, string ContentType, ArtifactContent Content)
{
    public static NewArtifact FromBytes(string kind, string role, string contentType, byte[] data) =>
        new(kind, role, contentType, new ArtifactContent.Bytes(data));

    public static NewArtifact FromFile(string kind, string role, string contentType, string path) =>
        new(kind, role, contentType, new ArtifactContent.File(path));
}

/// <summary>Where an artifact's bytes are before they are stored.</summary>
public abstract record ArtifactContent
{
    public abstract Stream OpenRead();

    public sealed record Bytes(byte[] Data) : ArtifactContent
    {
        public override Stream OpenRead() => new MemoryStream(Data, writable: false);
    }

    public sealed record File(string Path) : ArtifactContent
    {
        public override Stream OpenRead() => System.IO.File.OpenRead(Path);
    }
}
