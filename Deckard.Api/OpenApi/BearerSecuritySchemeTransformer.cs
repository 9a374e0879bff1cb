using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Deckard.Api.OpenApi;

/// <summary>
/// Declares the bearer token in the OpenAPI document, once for every operation, so generated clients and the
/// <c>/scalar</c> page know every call needs <c>Authorization: Bearer</c>.
/// </summary>
public sealed class BearerSecuritySchemeTransformer : IOpenApiDocumentTransformer
{
    public const string SchemeName = "Bearer";

    public Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.SecuritySchemes ??= new Dictionary<string, IOpenApiSecurityScheme>();
        document.Components.SecuritySchemes[SchemeName] = new OpenApiSecurityScheme
        {
            Type = SecuritySchemeType.Http,
            Scheme = "bearer",
            Description = "A Deckard API key (dk_...), your identity provider's JWT, or in development the development key. " +
                          "Browsers open event streams and realtime sockets with ?ticket= from POST /api/sessions/{id}/tickets.",
        };
        document.Security = [new OpenApiSecurityRequirement { [new OpenApiSecuritySchemeReference(SchemeName, document)] = [] }];
        return Task.CompletedTask;
    }
}
