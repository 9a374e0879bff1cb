using Deckard.Core.Artifacts;
using Deckard.Core.Media;
using Deckard.Core.OpenAI;
using Deckard.Core.Steps;
using Microsoft.Extensions.Options;
using OpenAI.Images;

namespace Deckard.Workers.Steps;

/// <summary>
/// The avatar flow's portrait: gpt-image-1 through the Images API, from the router's description and style (a preset
/// from <see cref="PortraitStyles"/>, or <c>options.style</c>). The image is checked before it is stored (it decodes,
/// and is square enough to crop a face from); stored as the <c>portrait</c> artifact, it is the owner's current avatar.
/// </summary>
[Step(StepNames.Portrait)]
public sealed partial class PortraitStep(ImageClient images, IOptions<OpenAIOptions> options, ILogger<PortraitStep> logger) : IStep
{
    /// <summary>A lip-sync crop keeps the centred square: a longer side beyond this ratio would lose the face.</summary>
    private const double MaximumAspectRatio = 1.6;
    private const int MinimumSide = 256;

    public async Task<StepResult> ExecuteAsync(StepContext context, CancellationToken cancellationToken)
    {
        var description = context.IntentArgument("description") ?? context.Request
            ?? throw new StepFailedException("The session says nothing about who the portrait should show.");
        var style = context.Options.Style ?? context.IntentArgument("style");
        var settings = options.Value;
        var request = new ImageGenerationOptions
        {
            Size = settings.ImageSize == "auto" ? GeneratedImageSize.Auto : ParseSize(settings.ImageSize),
            Quality = new GeneratedImageQuality(settings.ImageQuality),
            OutputFileFormat = GeneratedImageFileFormat.Png,
        };

        using var activity = GenAITelemetry.StartCall("generate_content", settings.ImageModel);
        activity?.SetTag("gen_ai.output.type", "image");
        // The collection call (n = 1) is the one that returns the token usage.
        GeneratedImageCollection generated = await images.GenerateImagesAsync(PortraitStyles.Prompt(description, style), 1, request, cancellationToken);
        var bytes = generated.FirstOrDefault()?.ImageBytes?.ToArray();
        if (bytes is not { Length: > 0 })
        {
            throw new StepFailedException("The image model answered without an image.", isTransient: true);
        }

        var (width, height, contentType) = await CheckAsync(bytes, cancellationToken);
        var usage = new ModelUsage(settings.ImageModel, (int?)generated.Usage?.InputTokenCount, (int?)generated.Usage?.OutputTokenCount,
            (int?)generated.Usage?.TotalTokenCount);
        GenAITelemetry.RecordUsage(activity, "generate_content", usage);
        LogGenerated(logger, context.SessionId, width, height, bytes.Length);
        return new StepResult
        {
            Artifacts = [NewArtifact.FromBytes(ArtifactKinds.Image, ArtifactRoles.Portrait, contentType, bytes)],
            Output = new { width, height, sizeBytes = bytes.Length, style, stylePreset = style is not null && PortraitStyles.IsPreset(style) },
            Usage = usage,
        };
    }

    /// <summary>
    /// The image decodes (a PNG is checked in process; other formats by ffprobe reading the first frame) and a
    /// face-sized centred square can be cropped from it.
    /// </summary>
    private static async Task<(int Width, int Height, string ContentType)> CheckAsync(byte[] bytes, CancellationToken cancellationToken)
    {
        var format = ImageFormat.Sniff(bytes)
            ?? throw new StepFailedException("The image model's answer is not a PNG, JPEG or WebP image.", isTransient: true);
        var (width, height, problem) = format == ImageFormat.Png && PngCheck.Check(bytes) is { Interlaced: false } png
            ? (png.Width, png.Height, png.Problem)
            : await ProbeAsync(bytes, format, cancellationToken);
        if (problem is not null)
        {
            throw new StepFailedException($"The generated portrait does not decode: {problem}.", isTransient: true);
        }

        var (shorter, longer) = (Math.Min(width, height), Math.Max(width, height));
        if (shorter < MinimumSide || (double)longer / shorter > MaximumAspectRatio)
        {
            throw new StepFailedException(
                $"The generated portrait is {width}×{height}; lip-sync needs at least {MinimumSide}×{MinimumSide} and a shape close to square.",
                isTransient: true);
        }

        return (width, height, format.ContentType);
    }

    private static async Task<(int Width, int Height, string? Problem)> ProbeAsync(byte[] bytes, ImageFormat format, CancellationToken cancellationToken)
    {
        var path = Path.Combine(Path.GetTempPath(), $"deckard-portrait-{Guid.NewGuid():N}.{format.Extension}");
        try
        {
            await File.WriteAllBytesAsync(path, bytes, cancellationToken);
            var probe = await ImageProbe.ProbeAsync(path, cancellationToken);
            return (probe.Width, probe.Height, probe.Problem);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static GeneratedImageSize ParseSize(string size)
    {
        var parts = size.Split('x');
        return new GeneratedImageSize(int.Parse(parts[0], System.Globalization.CultureInfo.InvariantCulture), int.Parse(parts[1], System.Globalization.CultureInfo.InvariantCulture));
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "Session {SessionId}: portrait generated, {Width}×{Height}, {Bytes} bytes")]
    private static partial void LogGenerated(ILogger logger, Guid sessionId, int width, int height, int bytes);
}
