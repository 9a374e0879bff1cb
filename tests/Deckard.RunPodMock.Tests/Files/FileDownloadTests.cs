using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Deckard.RunPodMock.Tests.Infrastructure;

namespace Deckard.RunPodMock.Tests.Files;

/// <summary><c>GET {prefix}/file={path}</c> (reference §1.6, §5): the output video, whole or by <c>Range</c>, and what is refused.</summary>
public sealed class FileDownloadTests(RunPodMockServer server) : StandInTest(server)
{
    private async Task<(string Path, byte[] Whole)> RenderAsync()
    {
        var frames = await Api.CallAndReadAsync(await Api.InputsAsync());
        var video = GradioApi.VideoFile(frames.Single(frame => frame.Event == "complete").Json!);
        var path = (string)video["path"]!;
        return (path, await Api.Http.GetByteArrayAsync("gradio_api/file=" + path));
    }

    [Fact]
    public async Task A_download_returns_the_whole_mp4_with_its_length_type_and_range_support()
    {
        var (path, whole) = await RenderAsync();

        using var response = await Api.Http.GetAsync("gradio_api/file=" + path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal(whole.Length, response.Content.Headers.ContentLength);
        Assert.Contains("bytes", response.Headers.AcceptRanges);
        Assert.Equal("ftyp", System.Text.Encoding.ASCII.GetString(whole, 4, 4));
    }

    [Fact]
    public async Task An_open_ended_range_answers_206_with_the_rest_of_the_file()
    {
        var (path, whole) = await RenderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "gradio_api/file=" + path);
        request.Headers.Range = new RangeHeaderValue(100, null);

        using var response = await Api.Http.SendAsync(request);
        var part = await response.Content.ReadAsByteArrayAsync();

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal($"bytes 100-{whole.Length - 1}/{whole.Length}", response.Content.Headers.ContentRange?.ToString());
        Assert.Equal(whole[100..], part);
    }

    [Fact]
    public async Task A_suffix_range_answers_the_last_bytes()
    {
        var (path, whole) = await RenderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "gradio_api/file=" + path);
        request.Headers.Range = new RangeHeaderValue(null, 64);

        using var response = await Api.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole[^64..], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_range_that_ends_before_the_last_byte_answers_exactly_those_bytes()
    {
        var (path, whole) = await RenderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "gradio_api/file=" + path);
        request.Headers.Range = new RangeHeaderValue(10, 49);

        using var response = await Api.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(40, response.Content.Headers.ContentLength);
        Assert.Equal(whole[10..50], await response.Content.ReadAsByteArrayAsync());
    }

    [Fact]
    public async Task A_range_whose_explicit_end_reaches_the_last_byte_announces_one_byte_more_and_never_completes()
    {
        var (path, whole) = await RenderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "gradio_api/file=" + path);
        request.Headers.Range = new RangeHeaderValue(0, whole.Length - 1);

        using var response = await Api.Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        var announced = response.Content.Headers.ContentLength;
        var failure = await Record.ExceptionAsync(() => response.Content.ReadAsByteArrayAsync());

        Assert.Equal(HttpStatusCode.PartialContent, response.StatusCode);
        Assert.Equal(whole.Length + 1, announced);
        Assert.NotNull(failure);
    }

    [Fact]
    public async Task Several_ranges_at_once_answer_500()
    {
        var (path, _) = await RenderAsync();
        using var request = new HttpRequestMessage(HttpMethod.Get, "gradio_api/file=" + path);
        request.Headers.TryAddWithoutValidation("Range", "bytes=0-9,20-29");

        using var response = await Api.Http.SendAsync(request);

        Assert.Equal(HttpStatusCode.InternalServerError, response.StatusCode);
    }

    [Fact]
    public async Task HEAD_answers_the_length_and_type_without_a_body()
    {
        var (path, whole) = await RenderAsync();

        using var response = await Api.Http.SendAsync(new HttpRequestMessage(HttpMethod.Head, "gradio_api/file=" + path));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(whole.Length, response.Content.Headers.ContentLength);
        Assert.Equal("video/mp4", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task A_path_outside_the_temp_folder_answers_403_file_not_allowed()
    {
        using var response = await Api.Http.GetAsync("gradio_api/file=/etc/passwd");

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Equal("File not allowed: /etc/passwd.", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["detail"]);
    }

    [Fact]
    public async Task A_path_that_climbs_out_of_the_temp_folder_answers_403()
    {
        var (path, _) = await RenderAsync();
        var escaping = Path.GetDirectoryName(path) + "/../../../../../etc/passwd";

        using var response = await Api.Http.GetAsync("gradio_api/file=" + escaping);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
    }
}
