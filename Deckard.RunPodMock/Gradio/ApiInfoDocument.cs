using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Gradio;

/// <summary><c>GET {prefix}/info</c>: Gradio's <c>get_api_info()</c> for the app, keyed by <c>parameter_name</c>.</summary>
public static class ApiInfoDocument
{
    public static JsonObject Build(GradioFlavor flavor)
    {
        var endpoint = new JsonObject
        {
            ["parameters"] = new JsonArray([.. StableAvatarApp.Parameters.Select(parameter => (JsonNode)Parameter(parameter))]),
            ["returns"] = new JsonArray(
                Return("Generated Result", ComponentSchemas.VideoOutputSchema(flavor), ComponentSchemas.VideoOutputPythonType(flavor), "Video"),
                Return("Seed Output", new JsonObject { ["type"] = "string" }, "str", "Textbox"),
                Return("Status", new JsonObject { ["type"] = "string" }, "str", "Textbox")),
        };
        endpoint[flavor.UsesApiVisibility ? "api_visibility" : "show_api"] = flavor.UsesApiVisibility ? "public" : true;
        endpoint["description"] = "";

        return new JsonObject
        {
            ["named_endpoints"] = new JsonObject { ["/" + StableAvatarApp.ApiName] = endpoint },
            ["unnamed_endpoints"] = new JsonObject(),
        };
    }

    private static JsonObject Parameter(GenerateParameter parameter) => new()
    {
        ["label"] = parameter.Label,
        ["parameter_name"] = parameter.Name,
        ["parameter_has_default"] = parameter.HasDefault,
        ["parameter_default"] = parameter.Default?.DeepClone(),
        ["type"] = ComponentSchemas.InputSchema(parameter),
        ["python_type"] = ComponentSchemas.PythonType(parameter),
        ["component"] = parameter.Kind.ToString(),
        ["example_input"] = StableAvatarApp.ExampleInput(parameter),
    };

    private static JsonObject Return(string label, JsonObject schema, string pythonType, string component) => new()
    {
        ["label"] = label,
        ["type"] = schema,
        ["python_type"] = new JsonObject { ["type"] = pythonType, ["description"] = "" },
        ["component"] = component,
    };
}
