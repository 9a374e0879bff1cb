using System.ClientModel;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Tests.Infrastructure;
using OpenAI.Images;

namespace Deckard.OpenAIMock.Tests.Images;

public sealed class ImageGenerationTests(OpenAIMockServer server) : StandInTest(server)
{
    private static readonly byte[] PngSignature = [0x89, 0x50, 0x4E, 0x47, 0x0D, 0x0A, 0x1A, 0x0A];

    private ImageClient Images => Server.Client().GetImageClient("gpt-image-1");

    [Fact]
    public async Task Image_generation_returns_a_PNG_of_the_requested_size()
    {
        GeneratedImage image = await Images.GenerateImageAsync("A portrait of a lighthouse keeper",
            new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1536, Quality = GeneratedImageQuality.HighQuality });

        var bytes = image.ImageBytes.ToArray();
        Assert.Equal(PngSignature, bytes[..8]);
        Assert.Null(image.ImageUri);
        var (codec, width, height) = await MediaTools.ProbeImageAsync(bytes);
        Assert.Equal(("png", 1024, 1536), (codec, width, height));
    }

    [Fact]
    public async Task The_same_prompt_gives_the_same_image_and_another_prompt_another_image()
    {
        var options = new ImageGenerationOptions { Size = GeneratedImageSize.W1024xH1024 };

        GeneratedImage first = await Images.GenerateImageAsync("A red fox", options);
        GeneratedImage again = await Images.GenerateImageAsync("A red fox", options);
        GeneratedImage other = await Images.GenerateImageAsync("A blue whale", options);

        Assert.Equal(first.ImageBytes.ToArray(), again.ImageBytes.ToArray());
        Assert.NotEqual(first.ImageBytes.ToArray(), other.ImageBytes.ToArray());
    }

    [Fact]
    public async Task A_transparent_background_gives_a_PNG_with_an_alpha_channel()
    {
        GeneratedImage image = await Images.GenerateImageAsync("A sticker of a cat",
            new ImageGenerationOptions { Background = GeneratedImageBackground.Transparent, Size = GeneratedImageSize.W1536xH1024 });

        var bytes = image.ImageBytes.ToArray();
        const int ColourTypeOffset = 25;
        Assert.Equal(6, bytes[ColourTypeOffset]);
        Assert.Equal(("png", 1536, 1024), await MediaTools.ProbeImageAsync(bytes));
    }

    [Fact]
    public async Task A_jpeg_output_format_gives_a_JPEG()
    {
        GeneratedImage image = await Images.GenerateImageAsync("A mountain at dawn",
            new ImageGenerationOptions { OutputFileFormat = GeneratedImageFileFormat.Jpeg, Size = GeneratedImageSize.W1024xH1024 });

        Assert.Equal(("mjpeg", 1024, 1024), await MediaTools.ProbeImageAsync(image.ImageBytes.ToArray()));
    }

    [Fact]
    public async Task Asking_a_GPT_image_model_for_a_response_format_fails_in_the_SDK_with_400()
    {
        var failure = await Assert.ThrowsAsync<ClientResultException>(() => Images.GenerateImageAsync("A cat",
            new ImageGenerationOptions { ResponseFormat = GeneratedImageFormat.Bytes }));

        Assert.Equal(400, failure.Status);
        Assert.Contains("Unknown parameter: 'response_format'", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_image_request_without_a_prompt_is_refused_with_OpenAIs_400_body()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/images/generations",
            new StringContent("""{"model":"gpt-image-1"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("prompt", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]!["param"]);
    }

    [Fact]
    public async Task Image_generation_reports_token_usage_by_size_and_quality()
    {
        using var http = Server.Http();

        using var response = await http.PostAsync("v1/images/generations", new StringContent(
            """{"model":"gpt-image-1","prompt":"A cat","size":"1024x1024","quality":"low","n":2}""", Encoding.UTF8, "application/json"));

        var body = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal(2, ((JsonArray)body["data"]!).Count);
        Assert.Equal(2 * 272, (int?)body["usage"]!["output_tokens"]);
        Assert.Equal((int?)body["usage"]!["input_tokens"] + (2 * 272), (int?)body["usage"]!["total_tokens"]);
    }
}
