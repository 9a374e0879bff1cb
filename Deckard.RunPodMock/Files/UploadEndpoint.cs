using System.Text.Json.Nodes;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Gradio;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Net.Http.Headers;

namespace Deckard.RunPodMock.Files;

/// <summary>
/// <c>POST {prefix}/upload</c>: multipart parts named <c>files</c> land in the temp folder; the reply is the list of
/// server paths as strings. 400 for a body that is not multipart, 413 (plain text) past <c>max_file_size</c>.
/// </summary>
public static class UploadEndpoint
{
    public static async Task<IResult> HandleAsync(HttpContext context, GradioTempFolder folder, LiveSettings settings, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(UploadEndpoint));
        var request = context.Request;
        if (!MediaTypeHeaderValue.TryParse(request.ContentType, out var contentType)
            || !contentType.MediaType.Equals("multipart/form-data", StringComparison.OrdinalIgnoreCase))
        {
            return WireJson.Detail("Invalid content type.", StatusCodes.Status400BadRequest);
        }

        var boundary = HeaderUtilities.RemoveQuotes(contentType.Boundary).Value;
        if (string.IsNullOrEmpty(boundary))
        {
            return Results.Text("Missing boundary in multipart.", "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        // Gradio has no body limit of its own (max_file_size defaults to unlimited).
        if (context.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
        {
            limit.MaxRequestBodySize = null;
        }

        var maxBytes = settings.Current.MaxFileSizeBytes;
        var reader = new MultipartReader(boundary, request.Body) { BodyLengthLimit = null };
        var paths = new JsonArray();
        long totalBytes = 0;
        try
        {
            while (await reader.ReadNextSectionAsync(context.RequestAborted) is { } section)
            {
                if (!ContentDispositionHeaderValue.TryParse(section.ContentDisposition, out var disposition)
                    || !disposition.IsFileDisposition()
                    || !string.Equals(HeaderUtilities.RemoveQuotes(disposition.Name).Value, "files", StringComparison.Ordinal))
                {
                    continue;
                }

                var fileName = HeaderUtilities.RemoveQuotes(disposition.FileNameStar.HasValue ? disposition.FileNameStar : disposition.FileName).Value;
                var path = await folder.SaveAsync(section.Body, fileName, maxBytes, context.RequestAborted);
                if (path is null)
                {
                    logger.LogInformation("Upload refused: a file is larger than {MaxBytes} bytes", maxBytes);
                    return Results.Text($"File size exceeded maximum allowed size of {maxBytes} bytes.", "text/plain",
                        statusCode: StatusCodes.Status413RequestEntityTooLarge);
                }

                var size = new FileInfo(path).Length;
                totalBytes += size;
                logger.LogInformation("Uploaded {FileName} ({Bytes} bytes) to {Folder}", Path.GetFileName(path), size,
                    Path.GetFileName(Path.GetDirectoryName(path)));
                paths.Add(path);
            }
        }
        catch (Exception exception) when (exception is InvalidDataException or IOException && !context.RequestAborted.IsCancellationRequested)
        {
            return Results.Text(exception.Message, "text/plain", statusCode: StatusCodes.Status400BadRequest);
        }

        logger.LogDebug("Upload of {Count} file(s), {Bytes} bytes in all", paths.Count, totalBytes);
        return WireJson.Result(paths);
    }
}
