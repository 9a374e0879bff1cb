using Deckard.Api.Media;
using Deckard.Api.OpenApi;
using Deckard.Api.Sessions;
using Deckard.Core.Avatars;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Deckard.Api.Avatars;

public static class AvatarEndpoints
{
    public static IEndpointRouteBuilder MapAvatarEndpoints(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/api/avatars", ListAsync)
            .WithName("ListAvatars")
            .WithTags("Avatars")
            .WithSummary("The caller's avatars (the portraits they generated), current first; name one in a session's options.avatarId.")
            .ProducesProblems(ProblemMetadata.Authenticated);
        return endpoints;
    }

    private static async Task<Ok<AvatarList>> ListAsync(HttpContext context, AvatarStore avatars, MediaUrlSigner signer, CancellationToken cancellationToken)
    {
        var portraits = await avatars.ListAsync(RequestOwner.Of(context), cancellationToken);
        return TypedResults.Ok(new AvatarList(
            [.. portraits.Select((portrait, index) => new AvatarResponse(
                portrait.Id, index == 0, portrait.ContentType, portrait.SizeBytes, portrait.CreatedAt, signer.SignedPath(portrait.Id)))]));
    }
}

/// <param name="Current">The avatar lip-sync uses when a session names none (the newest portrait).</param>
public sealed record AvatarResponse(Guid Id, bool Current, string ContentType, long SizeBytes, DateTimeOffset CreatedAt, string Url);

/// <summary>With no avatar of their own, a person's lip-sync uses the built-in default portrait.</summary>
public sealed record AvatarList(IReadOnlyList<AvatarResponse> Items);
