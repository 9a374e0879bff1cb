using System.Globalization;
using Deckard.Core.Artifacts;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Media;

/// <summary>
/// An artifact's bytes streamed from the store to the client, whole or one range, in slices of
/// <c>Media:ReadChunkBytes</c>: a 200 MB video costs the Api one slice of memory, not 200 MB.
/// </summary>
public sealed class ArtifactContentResult(ArtifactInfo artifact, string contentType) : IResult
{
    public async Task ExecuteAsync(HttpContext context)
    {
        var store = context.RequestServices.GetRequiredService<ArtifactStore>();
        var chunkBytes = context.RequestServices.GetRequiredService<IOptions<MediaOptions>>().Value.ReadChunkBytes;
        var response = context.Response;
        var range = ByteRangeRequest.Parse(context.Request.Headers.Range, artifact.SizeBytes);
        response.Headers.AcceptRanges = "bytes";
        if (range.Kind == ByteRangeKind.Unsatisfiable)
        {
            response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
            response.Headers.ContentRange = $"bytes */{artifact.SizeBytes.ToString(CultureInfo.InvariantCulture)}";
            return;
        }

        response.ContentType = contentType;
        response.ContentLength = range.Length;
        if (range.Kind == ByteRangeKind.Partial)
        {
            response.StatusCode = StatusCodes.Status206PartialContent;
            response.Headers.ContentRange = string.Create(CultureInfo.InvariantCulture,
                $"bytes {range.Offset}-{range.Offset + range.Length - 1}/{artifact.SizeBytes}");
        }

        if (range.Length == 0)
        {
            return;
        }

        if (await store.CopyRangeAsync(artifact, range.Offset, range.Length, response.Body, chunkBytes, context.RequestAborted))
        {
            return;
        }

        if (response.HasStarted)
        {
            // Deleted while it was being sent: the length promised cannot be kept, so the connection is cut.
            context.Abort();
            return;
        }

        // The row is there but its bytes are not (an object removed from the bucket behind Deckard's back).
        response.ContentLength = null;
        response.Headers.Remove("Content-Range");
        response.Headers.Remove("Content-Disposition");
        await ApiProblems.WriteAsync(context, StatusCodes.Status404NotFound, "media-not-found", "No such media",
            $"Artifact {artifact.Id}'s bytes are missing from the media store.");
    }
}
