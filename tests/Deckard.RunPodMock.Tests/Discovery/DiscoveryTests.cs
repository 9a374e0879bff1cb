using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Discovery;

/// <summary>What a client reads first (reference §1.1, §1.2, §4.2): <c>/config</c> then <c>{api_prefix}/info</c>.</summary>
public sealed class DiscoveryTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task Config_of_the_5x_layout_names_the_api_prefix_the_sse_v3_protocol_and_the_generate_dependency()
    {
        var config = (await Api.Http.GetFromJsonAsync<JsonObject>("config"))!;

        Assert.Equal("5.49.1", (string?)config["version"]);
        Assert.Equal("/gradio_api", (string?)config["api_prefix"]);
        Assert.Equal("sse_v3", (string?)config["protocol"]);
        Assert.True(ulong.TryParse(config["app_id"]!.ToJsonString(), out _));
        Assert.Null(config["max_file_size"]?.GetValue<long?>());

        var generate = ((JsonArray)config["dependencies"]!).Single(dependency => (string?)dependency!["api_name"] == "generate")!;
        Assert.NotEqual(0, (int)generate["id"]!);
        var inputs = ((JsonArray)generate["inputs"]!).Select(id => (int)id!).ToList();
        var outputs = ((JsonArray)generate["outputs"]!).Select(id => (int)id!).ToList();
        Assert.Equal(18, inputs.Count);
        Assert.Equal(3, outputs.Count);

        var components = ((JsonArray)config["components"]!).ToDictionary(component => (int)component!["id"]!, component => (string)component!["type"]!);
        Assert.Equal(["dropdown", "slider", "slider", "slider", "image", "audio", "textbox", "textbox", "slider", "slider",
            "slider", "slider", "slider", "slider", "slider", "slider", "slider", "number"], inputs.Select(id => components[id]));
        Assert.Equal(["video", "textbox", "textbox"], outputs.Select(id => components[id]));
    }

    [Fact]
    public async Task Info_lists_generate_with_its_18_parameters_by_parameter_name_in_the_reference_order()
    {
        var info = (await Api.Http.GetFromJsonAsync<JsonObject>("gradio_api/info"))!;

        Assert.Empty((JsonObject)info["unnamed_endpoints"]!);
        var generate = info["named_endpoints"]!["/generate"]!;
        var parameters = (JsonArray)generate["parameters"]!;
        Assert.Equal(GradioApi.Parameters.Select(parameter => parameter.Name), parameters.Select(parameter => (string)parameter!["parameter_name"]!));
        Assert.True((bool)generate["show_api"]!);
        Assert.Equal(3, ((JsonArray)generate["returns"]!).Count);
        Assert.Equal(["Video", "Textbox", "Textbox"], ((JsonArray)generate["returns"]!).Select(returned => (string)returned!["component"]!));

        foreach (var parameter in parameters)
        {
            Assert.NotNull(parameter!["label"]);
            Assert.NotNull(parameter["type"]);
            Assert.NotNull(parameter["python_type"]!["type"]);
            Assert.NotNull(parameter["component"]);
            Assert.True(((JsonObject)parameter).ContainsKey("example_input"));
        }
    }

    [Fact]
    public async Task Info_defaults_match_the_reference_and_only_the_image_and_audio_have_none()
    {
        var info = (await Api.Http.GetFromJsonAsync<JsonObject>("gradio_api/info"))!;
        var parameters = ((JsonArray)info["named_endpoints"]!["/generate"]!["parameters"]!).ToDictionary(parameter => (string)parameter!["parameter_name"]!, parameter => parameter!);

        Assert.False((bool)parameters["image_path"]["parameter_has_default"]!);
        Assert.False((bool)parameters["audio_path"]["parameter_has_default"]!);
        Assert.Equal("Image", (string?)parameters["image_path"]["component"]);
        Assert.Equal("Audio", (string?)parameters["audio_path"]["component"]);
        Assert.Equal("filepath", (string?)parameters["audio_path"]["python_type"]!["type"]);
        foreach (var (name, expected) in GradioApi.Parameters.Where(parameter => parameter.Default is not null))
        {
            Assert.True((bool)parameters[name]["parameter_has_default"]!, name);
            Assert.True(JsonNode.DeepEquals(expected, parameters[name]["parameter_default"])
                || (expected!.GetValueKind() == System.Text.Json.JsonValueKind.Number && (double)expected == (double)parameters[name]["parameter_default"]!), name);
        }

        Assert.False(string.IsNullOrEmpty((string?)parameters["negative_prompt"]["parameter_default"]));
        Assert.Equal(["Normal", "model_cpu_offload", "model_cpu_offload_and_qfloat8", "sequential_cpu_offload"],
            ((JsonArray)parameters["GPU_memory_mode"]["type"]!["enum"]!).Select(choice => (string)choice!));
        Assert.Equal("numeric value between 41 and 321", (string?)parameters["clip_sample_n_frames"]["type"]!["description"]);
        Assert.Equal("numeric value between 256 and 2048", (string?)parameters["width"]["type"]!["description"]);
        Assert.Equal("Number", (string?)parameters["seed_param"]["component"]);
    }

    [Fact]
    public async Task The_5x_layout_does_not_serve_the_api_at_the_root()
    {
        using var info = await Api.Http.GetAsync("info");
        using var upload = await Api.Http.PostAsync("upload", new MultipartFormDataContent());

        Assert.Equal(HttpStatusCode.NotFound, info.StatusCode);
        Assert.Equal("Not Found", (string?)(await info.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
        Assert.Equal(HttpStatusCode.NotFound, upload.StatusCode);
    }

    [Fact]
    public async Task The_4x_layout_has_no_api_prefix_and_serves_info_at_the_root_only()
    {
        await Admin.SettingsAsync(new { gradio_version = 4 });

        var config = (await Api.Http.GetFromJsonAsync<JsonObject>("config"))!;
        using var prefixed = await Api.Http.GetAsync("gradio_api/info");
        var info = (await Api.Http.GetFromJsonAsync<JsonObject>("info"))!;

        Assert.Equal("4.44.1", (string?)config["version"]);
        Assert.False(config.ContainsKey("api_prefix"));
        Assert.Equal("sse_v3", (string?)config["protocol"]);
        Assert.Equal(HttpStatusCode.NotFound, prefixed.StatusCode);
        Assert.Equal(18, ((JsonArray)info["named_endpoints"]!["/generate"]!["parameters"]!).Count);
        Assert.Equal("dict(video: filepath, subtitles: filepath | None)",
            (string?)info["named_endpoints"]!["/generate"]!["returns"]![0]!["python_type"]!["type"]);
    }

    [Fact]
    public async Task The_6x_flavor_keeps_the_prefix_reports_api_visibility_and_returns_a_plain_FileData_video()
    {
        await Admin.SettingsAsync(new { gradio_version = 6 });

        var config = (await Api.Http.GetFromJsonAsync<JsonObject>("config"))!;
        var info = (await Api.Http.GetFromJsonAsync<JsonObject>("gradio_api/info"))!;
        var generate = info["named_endpoints"]!["/generate"]!;

        Assert.StartsWith("6.", (string?)config["version"], StringComparison.Ordinal);
        Assert.Equal("/gradio_api", (string?)config["api_prefix"]);
        Assert.Equal("public", (string?)generate["api_visibility"]);
        Assert.False(((JsonObject)generate).ContainsKey("show_api"));
        Assert.Equal("filepath", (string?)generate["returns"]![0]!["python_type"]!["type"]);
    }

    [Fact]
    public async Task App_id_route_answers_the_same_id_as_config()
    {
        var config = (await Api.Http.GetFromJsonAsync<JsonObject>("config"))!;
        var appId = (await Api.Http.GetFromJsonAsync<JsonObject>("gradio_api/app_id"))!;

        Assert.Equal(config["app_id"]!.ToJsonString(), appId["app_id"]!.ToJsonString());
    }
}
