using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Upload;

/// <summary><c>POST {prefix}/upload</c> (reference §1.3): multipart <c>files</c> parts in, a JSON list of server paths out.</summary>
public sealed partial class UploadTests(RunPodMockServer server) : StandInTest(server)
{
    [Fact]
    public async Task Upload_returns_one_server_path_per_file_in_a_content_hash_folder()
    {
        var paths = await Api.UploadAsync(GradioApi.Prefix, (Server.Media.Portrait, "portrait.png"), (Server.Media.Speech, "speech.wav"));

        Assert.Equal(2, paths.Count);
        Assert.Matches(HashFolder(), paths[0]);
        Assert.EndsWith("/portrait.png", paths[0], StringComparison.Ordinal);
        Assert.EndsWith("/speech.wav", paths[1], StringComparison.Ordinal);
        Assert.NotEqual(Path.GetDirectoryName(paths[0]), Path.GetDirectoryName(paths[1]));
        Assert.Equal(Server.Media.Speech, await Api.Http.GetByteArrayAsync("gradio_api/file=" + paths[1]));
    }

    [Fact]
    public async Task The_same_content_lands_in_the_same_folder_whatever_its_name()
    {
        var first = await Api.UploadAsync(GradioApi.Prefix, (Server.Media.Speech, "a.wav"));
        var second = await Api.UploadAsync(GradioApi.Prefix, (Server.Media.Speech, "b.wav"));

        Assert.Equal(Path.GetDirectoryName(first[0]), Path.GetDirectoryName(second[0]));
    }

    [Fact]
    public async Task A_body_that_is_not_multipart_answers_400_invalid_content_type()
    {
        using var response = await Api.Http.PostAsync("gradio_api/upload", new StringContent("{}", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("Invalid content type.", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
    }

    [Fact]
    public async Task A_file_larger_than_max_file_size_answers_413_in_plain_text_and_config_reports_the_limit()
    {
        await Admin.SettingsAsync(new { max_file_size_bytes = 1000 });
        using var form = new MultipartFormDataContent { { new ByteArrayContent(new byte[1001]), "files", "big.bin" } };

        using var response = await Api.Http.PostAsync("gradio_api/upload", form);
        var config = (await Api.Http.GetFromJsonAsync<JsonObject>("config"))!;

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.StartsWith("text/plain", response.Content.Headers.ContentType?.ToString(), StringComparison.Ordinal);
        Assert.Contains("maximum allowed size", await response.Content.ReadAsStringAsync(), StringComparison.Ordinal);
        Assert.Equal(1000, (long)config["max_file_size"]!);
    }

    [Fact]
    public async Task The_file_name_keeps_its_extension_and_loses_characters_gradio_strips()
    {
        var paths = await Api.UploadAsync(GradioApi.Prefix, (Server.Media.Speech, "my voice?(take 2)!.wav"));

        Assert.Equal("my voicetake 2.wav", Path.GetFileName(paths[0]));
    }

    [Fact]
    public async Task Parts_with_another_name_than_files_are_ignored()
    {
        using var form = new MultipartFormDataContent
        {
            { new ByteArrayContent(Server.Media.Speech), "file", "speech.wav" },
            { new ByteArrayContent(Server.Media.Portrait), "files", "portrait.png" },
        };

        using var response = await Api.Http.PostAsync("gradio_api/upload", form);
        var paths = (await response.Content.ReadFromJsonAsync<JsonArray>())!;

        Assert.Single(paths);
        Assert.EndsWith("/portrait.png", (string?)paths[0], StringComparison.Ordinal);
    }

    [GeneratedRegex("^/.+/[0-9a-f]{64}/[^/]+$")]
    private static partial Regex HashFolder();
}
