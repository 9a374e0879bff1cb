using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Deckard.Api.OpenApi;

/// <summary>
/// Event data is stored without its null fields (DeckardJson writes none), so a nullable field of an event record may
/// be absent: it is optional in the document, not required-but-null.
/// </summary>
public sealed class OmittedNullsSchemaTransformer : IOpenApiSchemaTransformer
{
    public Task TransformAsync(OpenApiSchema schema, OpenApiSchemaTransformerContext context, CancellationToken cancellationToken)
    {
        if (context.JsonTypeInfo.Type.Namespace != typeof(Core.Events.EventCatalog).Namespace || schema.Properties is null || schema.Required is null)
        {
            return Task.CompletedTask;
        }

        foreach (var (name, property) in schema.Properties)
        {
            if (property.Type is { } type && type.HasFlag(JsonSchemaType.Null))
            {
                schema.Required.Remove(name);
            }
        }

        return Task.CompletedTask;
    }
}
