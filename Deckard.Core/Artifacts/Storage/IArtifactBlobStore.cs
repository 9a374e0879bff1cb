namespace Deckard.Core.Artifacts.Storage;

/// <summary>
/// Where artifacts' bytes live when not in their database row (registered only then: without one, bytes stay in the
/// row). The row is the record of truth: bytes are stored before the row is committed, so a committed row always has
/// them, and removed after the row is gone.
/// </summary>
public interface IArtifactBlobStore
{
    /// <summary>Stores <paramref name="length"/> bytes read from <paramref name="content"/> and returns the key they are under.</summary>
    Task<string> PutAsync(Guid sessionId, Guid artifactId, Stream content, long length, string contentType, CancellationToken cancellationToken);

    /// <summary>Writes the bytes from <paramref name="offset"/> on, <paramref name="length"/> of them, to <paramref name="destination"/>.</summary>
    /// <returns>False when there is no such object.</returns>
    Task<bool> CopyRangeAsync(string key, long offset, long length, Stream destination, CancellationToken cancellationToken);

    /// <summary>Removes the objects; a key that is already gone is no error.</summary>
    Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken);

    /// <summary>A URL a browser can fetch the object from until <paramref name="expires"/>, or null when the store has none.</summary>
    string? PresignedUrl(string key, string contentType, string contentDisposition, DateTimeOffset expires);
}
