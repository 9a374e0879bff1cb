using System.Text.Json.Nodes;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>
/// Compares a recorded event stream with the stand-in's: the order of event types (runs of one type, such as the
/// deltas, count once, since how a text is cut into deltas is the model's choice), then each recorded event's shape
/// (<see cref="JsonShape"/>) with the stand-in's event of the same type and occurrence (or its last one, for runs).
/// </summary>
public static class EventStreamShape
{
    public static IReadOnlyList<string> Differences(ServerSentEvents recorded, ServerSentEvents actual, IReadOnlySet<string>? excused = null)
    {
        var differences = new List<string>();
        var (recordedOrder, actualOrder) = (recorded.TypeSequence(), actual.TypeSequence());
        if (!recordedOrder.SequenceEqual(actualOrder))
        {
            differences.Add($"event order: recorded [{string.Join(", ", recordedOrder)}], stand-in [{string.Join(", ", actualOrder)}]");
        }

        if (recorded.EndsWithDone != actual.EndsWithDone)
        {
            differences.Add($"[DONE]: recorded {recorded.EndsWithDone}, stand-in {actual.EndsWithDone}");
        }

        var actualByType = actual.Events.GroupBy(ServerSentEvents.TypeOf).ToDictionary(group => group.Key, group => group.ToList());
        var seen = new Dictionary<string, int>();
        foreach (var recordedEvent in recorded.Events)
        {
            var type = ServerSentEvents.TypeOf(recordedEvent);
            var occurrence = seen[type] = seen.GetValueOrDefault(type, -1) + 1;
            if (!actualByType.TryGetValue(type, out var candidates))
            {
                differences.Add($"[{type}]: the stand-in sends no such event");
                continue;
            }

            JsonNode counterpart = candidates[Math.Min(occurrence, candidates.Count - 1)];
            differences.AddRange(JsonShape.Differences(recordedEvent, counterpart, excused, $"[{type}]"));
        }

        return [.. differences.Distinct()];
    }
}
