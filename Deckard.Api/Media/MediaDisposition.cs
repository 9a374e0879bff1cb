namespace Deckard.Api.Media;

/// <summary>
/// How media is handed to a browser: the image, audio and video types Deckard produces render inline; anything else
/// (nothing today, but an artifact type added later) is a download of opaque bytes, so nothing a browser could execute
/// (HTML, SVG, script) is ever rendered from Deckard's origin.
/// </summary>
public static class MediaDisposition
{
    private static readonly Dictionary<string, string> InlineTypes = new(StringComparer.OrdinalIgnoreCase)
    {
        ["image/png"] = "png",
        ["image/jpeg"] = "jpg",
        ["image/webp"] = "webp",
        ["audio/wav"] = "wav",
        ["audio/mpeg"] = "mp3",
        ["audio/ogg"] = "ogg",
        ["audio/webm"] = "webm",
        ["audio/mp4"] = "m4a",
        ["audio/flac"] = "flac",
        ["video/mp4"] = "mp4",
        ["video/webm"] = "webm",
        // A transcript: text, never a document a browser would run.
        ["text/plain"] = "txt",
    };

    public static bool IsInline(string contentType) => InlineTypes.ContainsKey(MediaType(contentType));

    /// <summary>The type sent: the stored one when it renders inline, else opaque bytes.</summary>
    public static string ServedType(string contentType) => IsInline(contentType) ? contentType : "application/octet-stream";

    /// <summary>The type without its parameters (<c>text/plain; charset=utf-8</c> is <c>text/plain</c>).</summary>
    private static string MediaType(string contentType) => contentType.Split(';', 2)[0].Trim();

    public static void Apply(HttpResponse response, Guid artifactId, string contentType)
    {
        response.Headers.ContentDisposition = ContentDisposition(artifactId, contentType);
        response.Headers.XContentTypeOptions = "nosniff";
        // Signed links are capabilities: keep them out of shared caches and of Referer headers.
        response.Headers.CacheControl = "private, max-age=300";
    }

    /// <summary>Inline with a file name for the types Deckard makes, else a download.</summary>
    public static string ContentDisposition(Guid artifactId, string contentType) =>
        InlineTypes.TryGetValue(MediaType(contentType), out var extension)
            ? $"inline; filename=\"{artifactId}.{extension}\""
            : $"attachment; filename=\"{artifactId}.bin\"";
}
