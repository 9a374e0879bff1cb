using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Admin;

/// <summary>The admin API under <c>/admin</c>: what the stand-in received, its settings, faults, and the reset.</summary>
public sealed class AdminApiTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task The_journal_records_each_gradio_request_with_method_path_status_and_size_but_not_admin_calls()
    {
        using var form = new MultipartFormDataContent { { new ByteArrayContent(Server.Media.Speech), "files", "speech.wav" } };
        using var upload = await Api.Http.PostAsync("gradio_api/upload", form);
        using var missing = await Api.Http.GetAsync("gradio_api/file=/etc/passwd");
        await Admin.StateAsync();

        var requests = await Admin.RequestsAsync();

        Assert.Equal(2, requests.Count);
        Assert.Equal("POST", (string?)requests[0]!["method"]);
        Assert.Equal("/gradio_api/upload", (string?)requests[0]!["path"]);
        Assert.Equal(200, (int)requests[0]!["status"]!);
        Assert.True((long)requests[0]!["content_length"]! > Server.Media.Speech.Length);
        Assert.StartsWith("multipart/form-data", (string?)requests[0]!["content_type"], StringComparison.Ordinal);
        Assert.Equal(403, (int)requests[1]!["status"]!);
    }

    [Fact]
    public async Task Jobs_report_route_state_inputs_by_parameter_name_and_the_render_cost()
    {
        var data = await Api.InputsAsync();
        var eventId = await Api.CallAsync(data);
        await using (var stream = await Api.CallStreamAsync(eventId))
        {
            await stream.ReadToEndAsync();
        }

        var job = await Admin.JobAsync(eventId);

        Assert.Equal("call", (string?)job["route"]);
        Assert.Equal("completed", (string?)job["state"]);
        Assert.True((bool)job["delivered"]!);
        Assert.Equal(42, (int)job["inputs"]!["seed_param"]!);
        Assert.Equal("gradio.FileData", (string?)job["inputs"]!["audio_path"]!["meta"]!["_type"]);
        Assert.Equal(2, (int)job["render"]!["windows"]!);
        Assert.Equal(55, (int)job["render"]!["frames"]!);
        Assert.True((long)job["output_bytes"]! > 1000);
    }

    [Fact]
    public async Task Reset_clears_faults_journal_jobs_settings_and_files()
    {
        await Admin.SettingsAsync(new { gradio_version = 4, show_error = true });
        await Admin.ArmAsync(new { kind = "run_crash" });
        var paths = await Api.UploadAsync("", (Server.Media.Speech, "speech.wav"));

        await Admin.ResetAsync();
        var state = await Admin.StateAsync();

        Assert.Equal(5, (int)state["settings"]!["gradio_version"]!);
        Assert.False((bool)state["settings"]!["show_error"]!);
        Assert.Empty((JsonArray)state["faults"]!["armed"]!);
        Assert.Empty(await Admin.RequestsAsync());
        Assert.Empty(await Admin.JobsAsync());
        Assert.False(File.Exists(paths[0]));
    }

    [Fact]
    public async Task Faults_are_listed_with_their_remaining_use_and_cleared_together()
    {
        var data = await Api.InputsAsync();
        await Admin.ArmAsync(new { kind = "queue_full", count = 3 });
        await Admin.ArmAsync(new { kind = "proxy_timeout", match = "/upload" });
        using (await Api.PostCallAsync(new JsonObject { ["data"] = data }))
        {
        }

        var armed = (JsonArray)(await Admin.FaultsAsync())["armed"]!;
        using var cleared = await Api.Http.DeleteAsync("admin/faults");

        Assert.Equal(["queue_full", "proxy_timeout"], armed.Select(fault => (string)fault!["kind"]!));
        Assert.Equal(1, (int)armed[0]!["fired"]!);
        Assert.Equal(HttpStatusCode.NoContent, cleared.StatusCode);
        Assert.Empty((JsonArray)(await Admin.FaultsAsync())["armed"]!);
    }

    [Fact]
    public async Task An_unknown_fault_kind_is_refused_with_the_known_kinds()
    {
        using var response = await Api.Http.PostAsJsonAsync("admin/faults", new { kind = "meteor_strike" });
        var body = await response.Content.ReadAsStringAsync();

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("meteor_strike", body, StringComparison.Ordinal);
        Assert.Contains("heartbeat_stop", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_setting_out_of_range_is_refused_and_nothing_changes()
    {
        using var response = await Api.Http.PutAsJsonAsync("admin/settings", new { gradio_version = 3 });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal(5, (int)(await Admin.StateAsync())["settings"]!["gradio_version"]!);
    }
}
