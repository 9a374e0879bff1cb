using Deckard.Core.Artifacts;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Deckard.Api.Media;

public static class MediaEndpoints
{
    public static IEndpointRouteBuilder MapMediaEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/media/{artifactId:guid}", GetMediaAsync)
            .WithName("GetMedia")
            .WithTags("Media")
            .WithSummary("An artifact's bytes, with a valid unexpired signature; supports Range.");
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetMediaAsync(
        Guid artifactId, long? expires, string? sig, MediaUrlSigner signer, ArtifactStore artifacts, CancellationToken cancellationToken)
    {
        if (expires is null || !signer.IsValid(artifactId, expires.Value, sig))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status403Forbidden, title: "The media link is not valid",
                detail: "The link's signature is wrong or it has expired; fetch the session again for fresh links.");
        }

        var artifact = await artifacts.ReadByIdAsync(artifactId, cancellationToken);
        return artifact is null
            ? TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "No such media", detail: $"There is no artifact {artifactId}.")
            : TypedResults.File(artifact.Data, artifact.ContentType, enableRangeProcessing: true);
    }
}
