using System.Globalization;
using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Configuration;
using Deckard.OpenAIMock.Media;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Wire;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Images;

/// <summary><c>POST /v1/images/generations</c>: real images of the requested size, base64 in <c>data[].b64_json</c>.</summary>
public static class ImagesEndpoint
{
    /// <summary>gpt-image-1 output tokens per image, by quality and shape (square, portrait, landscape), as OpenAI prices them.</summary>
    private static readonly Dictionary<string, int[]> OutputTokens = new()
    {
        ["low"] = [272, 408, 400],
        ["medium"] = [1056, 1584, 1568],
        ["high"] = [4160, 6240, 6208],
    };

    public static async Task HandleAsync(
        HttpContext context, ScriptedCalls calls, IOptions<OpenAIMockOptions> options, TimeProvider clock, ILogger<ImageRequest> logger)
    {
        var request = await ImageRequest.ReadAsync(context.Request);
        context.ReceivedRequest()?.Describe(MockEndpoint.Images, request.Model, request.Summary());

        var (answered, step) = await calls.BeginAsync(context, MockEndpoint.Images, request.Error);
        if (answered)
        {
            return;
        }

        var (width, height) = request.Pixels;
        var data = new JsonArray();
        var totalBytes = 0;
        for (var index = 0; index < request.Count; index++)
        {
            var png = PortraitPainter.Paint(request.Prompt, index, width, height, request.ResolvedBackground == "transparent");
            var bytes = request.OutputFormat == "png" ? png : await TranscodeAsync(png, request, options.Value, context.RequestAborted);
            totalBytes += bytes.Length;
            data.Add(new JsonObject { ["b64_json"] = Convert.ToBase64String(bytes) });
        }

        logger.LogInformation("Images for {RequestId}: {Count} x {Size} {Format}, {Bytes} bytes",
            context.TraceIdentifier, request.Count, request.ResolvedSize, request.OutputFormat, totalBytes);

        await context.Response.WriteAsJsonAsync(new JsonObject
        {
            ["created"] = UnixTime.Now(clock),
            ["data"] = data,
            ["background"] = request.ResolvedBackground,
            ["output_format"] = request.OutputFormat,
            ["size"] = request.ResolvedSize,
            ["quality"] = request.ResolvedQuality,
            ["usage"] = Usage(request),
        }, context.RequestAborted);
    }

    private static JsonObject Usage(ImageRequest request)
    {
        var textTokens = Math.Max(1, TokenEstimator.ForText(request.Prompt));
        var shape = request.ResolvedSize switch { "1024x1536" => 1, "1536x1024" => 2, _ => 0 };
        var outputTokens = OutputTokens[request.ResolvedQuality][shape] * request.Count;
        return new JsonObject
        {
            ["input_tokens"] = textTokens,
            ["input_tokens_details"] = new JsonObject { ["image_tokens"] = 0, ["text_tokens"] = textTokens },
            ["output_tokens"] = outputTokens,
            // Every output token of an image model is an image token (recorded in ImagesTests/*).
            ["output_tokens_details"] = new JsonObject { ["image_tokens"] = outputTokens, ["text_tokens"] = 0 },
            ["total_tokens"] = textTokens + outputTokens,
        };
    }

    private static Task<byte[]> TranscodeAsync(byte[] png, ImageRequest request, OpenAIMockOptions options, CancellationToken cancellationToken)
    {
        var quality = request.OutputCompression ?? 90;
        string[] codec = request.OutputFormat == "jpeg"
            ? ["-c:v", "mjpeg", "-q:v", Math.Clamp(31 - (quality * 29 / 100), 2, 31).ToString(CultureInfo.InvariantCulture)]
            : ["-c:v", "libwebp", "-quality", quality.ToString(CultureInfo.InvariantCulture)];
        return MediaProcess.TransformAsync(
            options.Media.FfmpegPath,
            ["-hide_banner", "-loglevel", "error", "-f", "png_pipe", "-i", "pipe:0", .. codec, "-frames:v", "1", "-f", "image2pipe", "pipe:1"],
            png,
            cancellationToken);
    }
}
