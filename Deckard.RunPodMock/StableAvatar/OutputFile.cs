using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;

namespace Deckard.RunPodMock.StableAvatar;

/// <summary>The video output as Gradio returns it: a FileData (with its <c>file=</c> URL), wrapped in VideoData before 6.x.</summary>
public static class OutputFile
{
    public static JsonNode Video(string path, string root, GradioFlavor flavor)
    {
        var file = new JsonObject
        {
            ["path"] = path,
            ["url"] = $"{root}{flavor.ApiPrefix}/file={path}",
            ["size"] = null,
            ["orig_name"] = Path.GetFileName(path),
            ["mime_type"] = null,
            ["is_stream"] = false,
            ["meta"] = new JsonObject { ["_type"] = "gradio.FileData" },
        };
        return flavor.WrapsVideoOutput ? new JsonObject { ["video"] = file, ["subtitles"] = null } : file;
    }
}
