using Microsoft.AspNetCore.Http.Metadata;

namespace Deckard.Api.OpenApi;

/// <summary>Declares the problem+json answers an endpoint (or a group's endpoints) may give, for the OpenAPI document.</summary>
public static class ProblemMetadata
{
    public const string ContentType = "application/problem+json";

    /// <summary>What every authenticated endpoint may answer: no or a bad credential, a limit reached, a store down.</summary>
    public static readonly int[] Authenticated = [StatusCodes.Status401Unauthorized, StatusCodes.Status429TooManyRequests, StatusCodes.Status503ServiceUnavailable];

    public static TBuilder ProducesProblems<TBuilder>(this TBuilder builder, params int[] statuses)
        where TBuilder : IEndpointConventionBuilder
    {
        foreach (var status in statuses)
        {
            builder.WithMetadata(new ProducesResponseTypeMetadata(status, typeof(ProblemResponse), [ContentType]));
        }

        return builder;
    }
}
