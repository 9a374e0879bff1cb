using System.Text.Json;
using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>
/// Compares the shape of a recorded JSON value with the stand-in's, not the values: every key the recording has must be
/// in the stand-in's object with the same JSON kind (string, number, boolean, object, array, null), recursively. Array
/// elements are matched by their <c>type</c> when they are typed objects (an output item with the stand-in's output
/// item of the same type), otherwise by position (or with the first element when the stand-in has fewer). The stand-in
/// may carry more keys and elements than the recording. Each difference names its path, e.g.
/// <c>$.output[message].content[output_text].annotations: recorded array, stand-in null</c>.
/// </summary>
public static class JsonShape
{
    /// <param name="excused">
    /// Paths, as the differences name them, that are not compared (each with its reason at the caller); an entry
    /// written <c>..name</c> excuses that key wherever it is.
    /// </param>
    public static IReadOnlyList<string> Differences(JsonNode? recorded, JsonNode? actual, IReadOnlySet<string>? excused = null, string root = "$")
    {
        var differences = new List<string>();
        Compare(recorded, actual, root, excused ?? new HashSet<string>(), differences);
        return [.. differences.Distinct()];
    }

    public static string KindOf(JsonNode? node) => node switch
    {
        null => "null",
        JsonObject => "object",
        JsonArray => "array",
        _ => node.GetValueKind() switch
        {
            JsonValueKind.String => "string",
            JsonValueKind.Number => "number",
            JsonValueKind.True or JsonValueKind.False => "boolean",
            JsonValueKind.Null => "null",
            var other => other.ToString(),
        },
    };

    private static void Compare(JsonNode? recorded, JsonNode? actual, string path, IReadOnlySet<string> excused, List<string> differences)
    {
        if (IsExcused(path, excused))
        {
            return;
        }

        var (recordedKind, actualKind) = (KindOf(recorded), KindOf(actual));
        if (recordedKind != actualKind)
        {
            differences.Add($"{path}: recorded {recordedKind}, stand-in {actualKind}");
            return;
        }

        switch (recorded)
        {
            case JsonObject recordedObject:
                var actualObject = (JsonObject)actual!;
                foreach (var (key, value) in recordedObject)
                {
                    var keyPath = $"{path}.{key}";
                    if (IsExcused(keyPath, excused))
                    {
                        continue;
                    }

                    if (!actualObject.TryGetPropertyValue(key, out var actualValue))
                    {
                        differences.Add($"{keyPath}: missing in the stand-in (recorded {KindOf(value)})");
                        continue;
                    }

                    Compare(value, actualValue, keyPath, excused, differences);
                }

                break;
            case JsonArray recordedArray:
                var actualArray = (JsonArray)actual!;
                for (var index = 0; index < recordedArray.Count; index++)
                {
                    var element = recordedArray[index];
                    var type = TypeOf(element);
                    var elementPath = $"{path}[{type ?? index.ToString(System.Globalization.CultureInfo.InvariantCulture)}]";
                    if (IsExcused(elementPath, excused))
                    {
                        continue;
                    }

                    if (!TryCounterpart(actualArray, index, type, out var counterpart))
                    {
                        differences.Add(type is null
                            ? $"{elementPath}: the stand-in's array is empty (recorded {KindOf(element)})"
                            : $"{elementPath}: the stand-in has no element of type '{type}'");
                        continue;
                    }

                    Compare(element, counterpart, elementPath, excused, differences);
                }

                break;
        }
    }

    private static bool IsExcused(string path, IReadOnlySet<string> excused) =>
        excused.Contains(path) || excused.Any(entry => entry.StartsWith("..", StringComparison.Ordinal) && path.EndsWith(entry[1..], StringComparison.Ordinal));

    private static string? TypeOf(JsonNode? element) =>
        element is JsonObject typed && typed["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String ? type.GetValue<string>() : null;

    private static bool TryCounterpart(JsonArray actual, int index, string? type, out JsonNode? counterpart)
    {
        counterpart = null;
        if (type is not null)
        {
            counterpart = actual.FirstOrDefault(element => TypeOf(element) == type);
            return counterpart is not null;
        }

        if (actual.Count == 0)
        {
            return false;
        }

        counterpart = actual[Math.Min(index, actual.Count - 1)];
        return true;
    }
}
