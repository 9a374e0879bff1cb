using System.Text.Json.Nodes;
using Deckard.Core.Events;
using Microsoft.AspNetCore.OpenApi;
using Microsoft.OpenApi;

namespace Deckard.Api.OpenApi;

/// <summary>
/// Describes every event type: a schema per event's data (the records of <see cref="EventCatalog"/>), a schema per
/// event (<c>{id, type, data, createdAt}</c> with its <c>type</c> fixed), and <c>SessionEvent</c>, their union
/// discriminated by <c>type</c>, as the items of the events endpoint's JSON answer. A generated client then knows
/// each event's fields from its type.
/// </summary>
public sealed class EventSchemaTransformer : IOpenApiDocumentTransformer
{
    public const string UnionName = "SessionEvent";

    public async Task TransformAsync(OpenApiDocument document, OpenApiDocumentTransformerContext context, CancellationToken cancellationToken)
    {
        document.Components ??= new OpenApiComponents();
        document.Components.Schemas ??= new Dictionary<string, IOpenApiSchema>();
        var union = new OpenApiSchema
        {
            Description = "One event of a session, by its type.",
            OneOf = [],
            Discriminator = new OpenApiDiscriminator { PropertyName = "type", Mapping = new Dictionary<string, OpenApiSchemaReference>() },
        };
        foreach (var (type, dataType) in EventCatalog.DataTypes)
        {
            var dataName = dataType.Name;
            document.Components.Schemas[dataName] = await context.GetOrCreateSchemaAsync(dataType, cancellationToken: cancellationToken);
            var eventName = string.Concat(dataName.AsSpan(0, dataName.Length - "Data".Length), "Event");
            document.Components.Schemas[eventName] = new OpenApiSchema
            {
                Type = JsonSchemaType.Object,
                Required = new HashSet<string> { "id", "type", "data", "createdAt" },
                Properties = new Dictionary<string, IOpenApiSchema>
                {
                    ["id"] = new OpenApiSchema { Type = JsonSchemaType.Integer, Format = "int64", Description = "The event's sequence in its session (SSE id)." },
                    ["type"] = new OpenApiSchema { Type = JsonSchemaType.String, Enum = [JsonValue.Create(type)] },
                    ["data"] = new OpenApiSchemaReference(dataName, document),
                    ["createdAt"] = new OpenApiSchema { Type = JsonSchemaType.String, Format = "date-time" },
                },
            };
            var reference = new OpenApiSchemaReference(eventName, document);
            union.OneOf.Add(reference);
            union.Discriminator.Mapping[type] = reference;
        }

        document.Components.Schemas[UnionName] = union;
        UseForEventList(document);
    }

    /// <summary>The events endpoint answers an array of the union as JSON, or the same events as a text/event-stream.</summary>
    private static void UseForEventList(OpenApiDocument document)
    {
        var operation = document.Paths?
            .Where(path => path.Key.EndsWith("/events", StringComparison.Ordinal))
            .SelectMany(path => path.Value.Operations ?? [])
            .Select(pair => pair.Value)
            .FirstOrDefault();
        if (operation?.Responses?.TryGetValue("200", out var ok) != true || ok is not OpenApiResponse response)
        {
            return;
        }

        response.Description = "The session's events: a JSON array (Accept: application/json), or a text/event-stream whose " +
                               "'event:' is the type and 'data:' the event's data.";
        response.Content = new Dictionary<string, OpenApiMediaType>
        {
            ["application/json"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.Array, Items = new OpenApiSchemaReference(UnionName, document) } },
            ["text/event-stream"] = new() { Schema = new OpenApiSchema { Type = JsonSchemaType.String } },
        };
    }
}
