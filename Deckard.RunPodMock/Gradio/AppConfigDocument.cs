using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.StableAvatar;

namespace Deckard.RunPodMock.Gradio;

/// <summary>
/// <c>GET /config</c>: the Blocks config Gradio serves for StableAvatar's app (its <c>get_config_file()</c> plus <c>root</c>).
/// Only the <c>generate</c> event is served; the app's UI helper events keep their places in the id counter.
/// </summary>
public static class AppConfigDocument
{
    public static JsonObject Build(GradioFlavor flavor, string appId, string root, bool showError, long? maxFileSize)
    {
        var components = Components(flavor);
        var dependency = GenerateDependency(flavor);
        var layout = Layout();
        var config = new JsonObject
        {
            ["version"] = flavor.Version,
        };
        if (flavor.ApiPrefix.Length > 0)
        {
            config["api_prefix"] = flavor.ApiPrefix;
        }

        config["mode"] = "blocks";
        config["app_id"] = JsonNode.Parse(appId);
        config["dev_mode"] = false;
        config["analytics_enabled"] = true;
        config["components"] = components;
        config["css"] = null;
        config["connect_heartbeat"] = false;
        config["js"] = null;
        config["head"] = null;
        config["title"] = "Gradio";
        config["space_id"] = null;
        config["enable_queue"] = true;
        config["show_error"] = showError;
        config[flavor.UsesApiVisibility ? "api_visibility" : "show_api"] = flavor.UsesApiVisibility ? "public" : true;
        config["is_colab"] = false;
        config["max_file_size"] = maxFileSize;
        config["stylesheets"] = new JsonArray();
        config["theme"] = "base";
        config["protocol"] = "sse_v3";
        config["fill_height"] = false;
        config["fill_width"] = false;
        config["pwa"] = false;
        config["pages"] = new JsonArray(new JsonArray("", "Home"));
        config["page"] = new JsonObject
        {
            [""] = new JsonObject
            {
                ["layout"] = layout.DeepClone(),
                ["components"] = new JsonArray([.. components.Select(component => (JsonNode)(int)component!["id"]!)]),
                ["dependencies"] = new JsonArray(StableAvatarApp.GenerateDependencyId),
            },
        };
        config["mcp_server"] = false;
        config["i18n_translations"] = null;
        config["layout"] = layout;
        config["dependencies"] = new JsonArray(dependency);
        config["root"] = root;
        config["username"] = null;
        return config;
    }

    private static JsonObject GenerateDependency(GradioFlavor flavor)
    {
        var dependency = new JsonObject
        {
            ["id"] = StableAvatarApp.GenerateDependencyId,
            ["targets"] = new JsonArray(
                new JsonArray(StableAvatarApp.GenerateButtonId, "click"),
                new JsonArray(16, "submit"),
                new JsonArray(17, "submit")),
            ["inputs"] = new JsonArray([.. StableAvatarApp.Parameters.Select(parameter => (JsonNode)parameter.ComponentId)]),
            ["outputs"] = new JsonArray(StableAvatarApp.VideoOutputId, StableAvatarApp.SeedOutputId, StableAvatarApp.StatusOutputId),
            ["backend_fn"] = true,
            ["js"] = null,
            ["queue"] = true,
            ["api_name"] = StableAvatarApp.ApiName,
            ["scroll_to_output"] = false,
            ["show_progress"] = "full",
            ["show_progress_on"] = null,
            ["batch"] = false,
            ["max_batch_size"] = 4,
            ["cancels"] = new JsonArray(),
            ["types"] = new JsonObject { ["generator"] = false, ["cancel"] = false },
            ["collects_event_data"] = false,
            ["trigger_after"] = null,
            ["trigger_only_on_success"] = false,
            ["trigger_mode"] = "once",
        };
        dependency[flavor.UsesApiVisibility ? "api_visibility" : "show_api"] = flavor.UsesApiVisibility ? "public" : true;
        dependency["rendered_in"] = null;
        dependency["render_id"] = null;
        dependency["connection"] = "sse";
        dependency["time_limit"] = null;
        dependency["stream_every"] = 0.5;
        dependency["like_user_message"] = false;
        dependency["event_specific_args"] = null;
        dependency["js_implementation"] = null;
        return dependency;
    }

    private static JsonArray Components(GradioFlavor flavor)
    {
        var components = new JsonArray
        {
            Layout(1, "markdown", new JsonObject { ["value"] = "<div><h2 style=\"font-size: 30px;text-align: center;\">StableAvatar</h2></div>" }, api: true),
            Layout(2, "radio", new JsonObject { ["label"] = "Language", ["value"] = "en", ["choices"] = new JsonArray(new JsonArray("English", "en"), new JsonArray("中文", "zh")) }, api: true),
            Layout(3, "accordion", new JsonObject { ["label"] = "Model Settings", ["open"] = false }),
            Layout(4, "row", new JsonObject()),
            Layout(8, "row", new JsonObject()),
            Layout(10, "tabitem", new JsonObject { ["label"] = "Video Generation" }),
            Layout(11, "row", new JsonObject()),
            Layout(12, "column", new JsonObject()),
            Layout(13, "row", new JsonObject()),
            Layout(18, "button", new JsonObject { ["value"] = "Start Generation", ["variant"] = "primary" }, api: true),
            Layout(19, "accordion", new JsonObject { ["label"] = "Model Settings", ["open"] = true }),
            Layout(20, "row", new JsonObject()),
            Layout(23, "row", new JsonObject()),
            Layout(24, "button", new JsonObject { ["value"] = "Swap Width/Height", ["variant"] = "secondary" }, api: true),
            Layout(25, "button", new JsonObject { ["value"] = "Adjust Size to Image", ["variant"] = "secondary" }, api: true),
            Layout(26, "row", new JsonObject()),
            Layout(29, "row", new JsonObject()),
            Layout(32, "row", new JsonObject()),
            Layout(35, "row", new JsonObject()),
            Layout(38, "column", new JsonObject()),
            Output(StableAvatarApp.StatusOutputId, "textbox", "Status", ComponentSchemas.InputSchema(StableAvatarApp.Parameter("prompt"))),
            Output(StableAvatarApp.VideoOutputId, "video", "Generated Result", ComponentSchemas.VideoOutputSchema(flavor)),
            Output(StableAvatarApp.SeedOutputId, "textbox", "Seed Output", ComponentSchemas.InputSchema(StableAvatarApp.Parameter("prompt"))),
            Layout(58, "tabs", new JsonObject()),
        };
        foreach (var parameter in StableAvatarApp.Parameters)
        {
            components.Add(Input(parameter));
        }

        return new JsonArray([.. components.OrderBy(component => (int)component!["id"]!).Select(component => component!.DeepClone())]);
    }

    private static JsonObject Input(GenerateParameter parameter)
    {
        var props = new JsonObject { ["label"] = parameter.Label, ["show_label"] = true, ["visible"] = true };
        if (parameter.Default is not null)
        {
            props["value"] = parameter.Default.DeepClone();
        }

        switch (parameter.Kind)
        {
            case ComponentKind.Slider:
                props["minimum"] = JsonNode.Parse(parameter.Minimum!);
                props["maximum"] = JsonNode.Parse(parameter.Maximum!);
                props["step"] = JsonNode.Parse(parameter.Step!);
                break;
            case ComponentKind.Dropdown:
                props["choices"] = new JsonArray([.. parameter.Choices!.Select(choice => (JsonNode)new JsonArray(choice, choice))]);
                props["multiselect"] = false;
                props["allow_custom_value"] = false;
                props["filterable"] = true;
                break;
            case ComponentKind.Image:
                props["type"] = "filepath";
                props["height"] = 280;
                props["format"] = "webp";
                props["image_mode"] = "RGB";
                props["sources"] = new JsonArray("upload", "webcam", "clipboard");
                break;
            case ComponentKind.Audio:
                props["type"] = "filepath";
                props["sources"] = new JsonArray("upload", "microphone");
                props["editable"] = true;
                break;
            case ComponentKind.Textbox:
                props["lines"] = 1;
                props["max_lines"] = 20;
                props["type"] = "text";
                break;
        }

        props["name"] = parameter.ComponentName;
        var schema = ComponentSchemas.InputSchema(parameter);
        return new JsonObject
        {
            ["id"] = parameter.ComponentId,
            ["type"] = parameter.ComponentName,
            ["props"] = props,
            ["skip_api"] = false,
            ["component_class_id"] = parameter.ComponentName,
            ["key"] = null,
            ["api_info"] = schema,
            ["api_info_as_input"] = schema.DeepClone(),
            ["api_info_as_output"] = schema.DeepClone(),
            ["example_inputs"] = StableAvatarApp.ExampleInput(parameter),
        };
    }

    private static JsonObject Output(int id, string type, string label, JsonObject schema) => new()
    {
        ["id"] = id,
        ["type"] = type,
        ["props"] = new JsonObject { ["label"] = label, ["show_label"] = true, ["interactive"] = false, ["visible"] = true, ["name"] = type },
        ["skip_api"] = false,
        ["component_class_id"] = type,
        ["key"] = null,
        ["api_info"] = schema,
        ["api_info_as_input"] = schema.DeepClone(),
        ["api_info_as_output"] = schema.DeepClone(),
        ["example_inputs"] = null,
    };

    private static JsonObject Layout(int id, string type, JsonObject props, bool api = false)
    {
        props["visible"] = true;
        props["name"] = type;
        var component = new JsonObject
        {
            ["id"] = id,
            ["type"] = type,
            ["props"] = props,
            ["skip_api"] = !api,
            ["component_class_id"] = type,
            ["key"] = null,
        };
        if (api)
        {
            component["api_info"] = new JsonObject { ["type"] = "string" };
            component["api_info_as_input"] = new JsonObject { ["type"] = "string" };
            component["api_info_as_output"] = new JsonObject { ["type"] = "string" };
            component["example_inputs"] = "Hello!!";
        }

        return component;
    }

    private static JsonObject Layout()
    {
        static JsonObject Node(int id, params JsonObject[] children) => children.Length == 0
            ? new JsonObject { ["id"] = id }
            : new JsonObject { ["id"] = id, ["children"] = new JsonArray([.. children]) };

        return Node(0,
            Node(1),
            Node(2),
            Node(3, Node(4, Node(5), Node(6), Node(7)), Node(8, Node(9))),
            Node(58,
                Node(10,
                    Node(11,
                        Node(12,
                            Node(13, Node(14), Node(15)),
                            Node(16), Node(17), Node(18),
                            Node(19,
                                Node(20, Node(21), Node(22)),
                                Node(23, Node(24), Node(25)),
                                Node(26, Node(27), Node(28)),
                                Node(29, Node(30), Node(31)),
                                Node(32, Node(33), Node(34)),
                                Node(35, Node(36), Node(37)))),
                        Node(38, Node(39), Node(40), Node(41))))));
    }
}
