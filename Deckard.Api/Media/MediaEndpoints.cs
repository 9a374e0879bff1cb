using Deckard.Api.OpenApi;
using Deckard.Core.Artifacts;
using Deckard.Core.Artifacts.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Media;

public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/media/{artifactId:guid}", GetMediaAsync)
            .WithName("GetMedia")
            .WithTags("Media")
            .WithSummary("An artifact's bytes, with a valid unexpired signature; supports Range.")
            // The signature is the credential: an <img> or <video> element cannot send a bearer token.
            .AllowAnonymous()
            .Produces(StatusCodes.Status200OK, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status206PartialContent, contentType: "application/octet-stream")
            .Produces(StatusCodes.Status302Found)
            .Produces(StatusCodes.Status416RangeNotSatisfiable)
            .ProducesProblems(StatusCodes.Status403Forbidden, StatusCodes.Status404NotFound);
        return endpoints;
    }

    private static async Task<Results<ArtifactContentResult, RedirectHttpResult, ProblemHttpResult>> GetMediaAsync(
        Guid artifactId, HttpContext context, MediaUrlSigner signer, ArtifactStore artifacts, IOptions<MediaStorageOptions> storage,
        CancellationToken cancellationToken,
        long? expires = null, string? sig = null)
    {
        if (expires is null || !signer.IsValid(artifactId, expires.Value, sig))
        {
            return ApiProblems.Create(StatusCodes.Status403Forbidden, "invalid-media-signature", "The media link is not valid",
                "The link's signature is wrong or it has expired; fetch the session again for fresh links.");
        }

        var artifact = await artifacts.ReadInfoAsync(artifactId, cancellationToken);
        if (artifact is null)
        {
            return ApiProblems.Create(StatusCodes.Status404NotFound, "media-not-found", "No such media", $"There is no artifact {artifactId}.");
        }

        var servedType = MediaDisposition.ServedType(artifact.ContentType);
        if (storage.Value.PresignedDownloads && artifact.StorageKey is { } key
            && artifacts.Blobs?.PresignedUrl(key, servedType, MediaDisposition.ContentDisposition(artifactId, artifact.ContentType),
                DateTimeOffset.FromUnixTimeSeconds(expires.Value)) is { } presigned)
        {
            // The bucket serves the bytes, for no longer than Deckard's own link would have.
            context.Response.Headers.CacheControl = "private, no-store";
            return TypedResults.Redirect(presigned);
        }

        MediaDisposition.Apply(context.Response, artifactId, artifact.ContentType);
        return new ArtifactContentResult(artifact, servedType);
    }
}
