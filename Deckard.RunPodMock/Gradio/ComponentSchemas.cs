using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Gradio;

/// <summary>The JSON schemas Gradio components publish as <c>api_info</c> (pydantic's <c>model_json_schema</c> for file models).</summary>
public static class ComponentSchemas
{
    public static JsonObject FileData(string title = "FileData") => new()
    {
        ["additionalProperties"] = false,
        ["description"] = "The FileData class is a subclass of the GradioModel class that represents a file object within a Gradio interface. It is used to store file data and metadata when a file is uploaded.",
        ["properties"] = new JsonObject
        {
            ["path"] = new JsonObject { ["title"] = "Path", ["type"] = "string" },
            ["url"] = Nullable("string", "Url"),
            ["size"] = Nullable("integer", "Size"),
            ["orig_name"] = Nullable("string", "Orig Name"),
            ["mime_type"] = Nullable("string", "Mime Type"),
            ["is_stream"] = new JsonObject { ["default"] = false, ["title"] = "Is Stream", ["type"] = "boolean" },
            ["meta"] = new JsonObject
            {
                ["default"] = new JsonObject { ["_type"] = "gradio.FileData" },
                ["title"] = "Meta",
                ["type"] = "object",
            },
        },
        ["required"] = new JsonArray("path"),
        ["title"] = title,
        ["type"] = "object",
    };

    public static JsonObject VideoData()
    {
        var fileData = FileData();
        return new JsonObject
        {
            ["$defs"] = new JsonObject { ["FileData"] = fileData },
            ["properties"] = new JsonObject
            {
                ["video"] = new JsonObject { ["$ref"] = "#/$defs/FileData" },
                ["subtitles"] = new JsonObject
                {
                    ["anyOf"] = new JsonArray(new JsonObject { ["$ref"] = "#/$defs/FileData" }, new JsonObject { ["type"] = "null" }),
                    ["default"] = null,
                },
            },
            ["required"] = new JsonArray("video"),
            ["title"] = "VideoData",
            ["type"] = "object",
        };
    }

    public static JsonObject InputSchema(GenerateParameter parameter) => parameter.Kind switch
    {
        ComponentKind.Dropdown => new JsonObject
        {
            ["type"] = "string",
            ["enum"] = new JsonArray([.. parameter.Choices!.Select(choice => (JsonNode)choice)]),
        },
        ComponentKind.Slider => new JsonObject
        {
            ["type"] = "number",
            ["description"] = $"numeric value between {parameter.Minimum} and {parameter.Maximum}",
        },
        ComponentKind.Number => new JsonObject { ["type"] = "number" },
        ComponentKind.Textbox => new JsonObject { ["type"] = "string" },
        ComponentKind.Image => FileData("ImageData"),
        ComponentKind.Audio => FileData(),
        _ => throw new ArgumentOutOfRangeException(nameof(parameter)),
    };

    /// <summary>What gradio_client's <c>json_schema_to_python_type</c> makes of the schema.</summary>
    public static JsonObject PythonType(GenerateParameter parameter) => new()
    {
        ["type"] = parameter.Kind switch
        {
            ComponentKind.Dropdown => "Literal[" + string.Join(", ", parameter.Choices!.Select(choice => $"'{choice}'")) + "]",
            ComponentKind.Slider or ComponentKind.Number => "float",
            ComponentKind.Textbox => "str",
            _ => "filepath",
        },
        ["description"] = parameter.Kind == ComponentKind.Slider
            ? $"numeric value between {parameter.Minimum} and {parameter.Maximum}"
            : "",
    };

    public static JsonObject VideoOutputSchema(GradioFlavor flavor) => flavor.WrapsVideoOutput ? VideoData() : FileData();

    public static string VideoOutputPythonType(GradioFlavor flavor) =>
        flavor.WrapsVideoOutput ? "dict(video: filepath, subtitles: filepath | None)" : "filepath";

    private static JsonObject Nullable(string type, string title) => new()
    {
        ["anyOf"] = new JsonArray(new JsonObject { ["type"] = type }, new JsonObject { ["type"] = "null" }),
        ["default"] = null,
        ["title"] = title,
    };
}
