using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Deckard.OpenAIMock.Responses;

/// <summary>
/// Fills a JSON schema from the person's words, for function arguments and structured outputs.
/// Required properties (all of them in strict mode) and the well-known ones below are filled; by property name:
/// query/question/search/topic/subject → the text; style → a style named in the text (else "photorealistic");
/// language → "en"; voice → "alloy"; mood/tone → "friendly"; any other string → the text.
/// Enums take the first value named in the text, else their first value; numbers their minimum or 1;
/// booleans false; arrays empty (or one filled item when minItems asks); objects recurse.
/// </summary>
public static partial class SchemaArguments
{
    private static readonly string[] WellKnown = ["query", "question", "description", "prompt", "style", "topic", "subject"];

    private static readonly string[] Styles =
    [
        "watercolor", "watercolour", "oil painting", "pixel art", "anime", "cartoon", "photorealistic", "sketch",
        "pencil", "3d render", "comic", "impressionist", "realistic", "charcoal", "pop art", "studio photo",
    ];

    public static JsonObject Fill(JsonObject? schema, string text)
    {
        if (schema is null || schema["properties"] is not JsonObject)
        {
            return [];
        }

        return FillValue(schema, "", text) as JsonObject ?? [];
    }

    private static JsonNode? FillValue(JsonObject schema, string propertyName, string text)
    {
        if (schema["enum"] is JsonArray options && options.Count > 0)
        {
            return (options.FirstOrDefault(option => option is JsonValue value && value.ToString() is { Length: > 0 } name
                        && text.Contains(name, StringComparison.OrdinalIgnoreCase)) ?? options[0])?.DeepClone();
        }

        if (schema["const"] is { } constant)
        {
            return constant.DeepClone();
        }

        if (schema["anyOf"] is JsonArray anyOf && anyOf.FirstOrDefault(option => (string?)option?["type"] != "null") is JsonObject first)
        {
            return FillValue(first, propertyName, text);
        }

        return TypeOf(schema) switch
        {
            "object" => FillObject(schema, text),
            "array" => FillArray(schema, propertyName, text),
            "integer" => (JsonNode?)(long)((double?)schema["minimum"] ?? 1),
            "number" => (double?)schema["minimum"] ?? 1.0,
            "boolean" => false,
            "null" => null,
            _ => StringFor(propertyName, text),
        };
    }

    private static JsonObject FillObject(JsonObject schema, string text)
    {
        var result = new JsonObject();
        if (schema["properties"] is not JsonObject properties)
        {
            return result;
        }

        var required = (schema["required"] as JsonArray)?.Select(name => (string?)name).ToHashSet() ?? [];
        var strict = schema["additionalProperties"] is JsonValue additional && (bool?)additional == false;
        foreach (var (name, propertySchema) in properties)
        {
            var wanted = strict || required.Contains(name) || WellKnown.Any(known => name.Contains(known, StringComparison.OrdinalIgnoreCase));
            if (wanted && propertySchema is JsonObject propertyObject)
            {
                result[name] = FillValue(propertyObject, name, text);
            }
        }

        return result;
    }

    private static JsonArray FillArray(JsonObject schema, string propertyName, string text)
    {
        var minItems = (int?)schema["minItems"] ?? 0;
        var array = new JsonArray();
        if (minItems > 0 && schema["items"] is JsonObject items)
        {
            for (var index = 0; index < minItems; index++)
            {
                array.Add(FillValue(items, propertyName, text));
            }
        }

        return array;
    }

    private static string? TypeOf(JsonObject schema) => schema["type"] switch
    {
        JsonValue single => single.ToString(),
        JsonArray several => several.Select(type => (string?)type).FirstOrDefault(type => type != "null"),
        _ => schema["properties"] is not null ? "object" : "string",
    };

    private static string StringFor(string propertyName, string text)
    {
        var name = propertyName.ToLowerInvariant();
        if (name.Contains("style", StringComparison.Ordinal))
        {
            return Styles.FirstOrDefault(style => text.Contains(style, StringComparison.OrdinalIgnoreCase)) ?? "photorealistic";
        }

        if (name.Contains("lang", StringComparison.Ordinal))
        {
            return "en";
        }

        if (name.Contains("voice", StringComparison.Ordinal))
        {
            return "alloy";
        }

        if (name.Contains("mood", StringComparison.Ordinal) || name.Contains("tone", StringComparison.Ordinal))
        {
            return "friendly";
        }

        return Whitespace().Replace(text.Trim(), " ");
    }

    [GeneratedRegex(@"\s+")]
    private static partial Regex Whitespace();
}
