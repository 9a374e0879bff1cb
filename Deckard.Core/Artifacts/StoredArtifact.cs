namespace Deckard.Core.Artifacts;

/// <summary>An artifact's bytes and description, as a step or the media endpoint reads them back.</summary>
public sealed record StoredArtifact(Guid Id, Guid SessionId, string Owner, string Kind, string Role, string ContentType, byte[] Data);

/// <summary>An artifact as a session lists it (no bytes).</summary>
public sealed record ArtifactView(Guid Id, string Kind, string Role, string ContentType, long SizeBytes, DateTimeOffset CreatedAt);

/// <summary>What serving an artifact needs before its bytes: whose it is, its type, its size, and its object's key when it is in object storage.</summary>
public sealed record ArtifactInfo(Guid Id, Guid SessionId, string Owner, string ContentType, long SizeBytes, string? StorageKey);
