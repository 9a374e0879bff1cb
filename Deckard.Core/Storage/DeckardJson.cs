using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deckard.Core.Storage;

/// <summary>One JSON shape everywhere (database jsonb, events, API): camelCase, nulls left out.</summary>
public static class DeckardJson
{
    public static JsonSerializerOptions Options { get; } = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static string Serialize<T>(T value) => JsonSerializer.Serialize(value, Options);

    public static JsonElement ToElement<T>(T value) => JsonSerializer.SerializeToElement(value, Options);
}
