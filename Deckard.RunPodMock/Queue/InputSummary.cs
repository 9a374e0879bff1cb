using System.Text.Json.Nodes;
using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Queue;

/// <summary>What a job received, by parameter name, for the admin API: values as sent, file objects as sent (never file contents).</summary>
public static class InputSummary
{
    public static JsonObject Describe(JsonArray data)
    {
        var summary = new JsonObject();
        for (var index = 0; index < data.Count; index++)
        {
            var name = index < StableAvatarApp.Parameters.Count ? StableAvatarApp.Parameters[index].Name : $"param_{index}";
            summary[name] = data[index]?.DeepClone();
        }

        return summary;
    }
}
