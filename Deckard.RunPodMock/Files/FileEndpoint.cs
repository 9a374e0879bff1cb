using System.Globalization;
using Deckard.RunPodMock.Configuration;
using Deckard.RunPodMock.Faults;
using Deckard.RunPodMock.Gradio;
using Deckard.RunPodMock.Proxy;
using Microsoft.AspNetCore.StaticFiles;

namespace Deckard.RunPodMock.Files;

/// <summary>
/// <c>GET|HEAD {prefix}/file={path}</c>: serves files inside the temp folder, 403 <c>File not allowed: &lt;path&gt;.</c>
/// otherwise. Ranges behave as Gradio's: <c>bytes=a-</c> and <c>bytes=-n</c> answer 206 properly; <c>bytes=a-b</c> is
/// exact while <c>b</c> is before the last byte, and reaching the end announces one byte more than it sends (then
/// the connection never finishes until the proxy gives up); several ranges answer 500.
/// </summary>
public static class FileEndpoint
{
    private static readonly FileExtensionContentTypeProvider ContentTypes = new();

    public static async Task HandleAsync(HttpContext context, string requestedPath)
    {
        var folder = context.RequestServices.GetRequiredService<GradioTempFolder>();
        var faults = context.RequestServices.GetRequiredService<FaultBoard>();
        var settings = context.RequestServices.GetRequiredService<LiveSettings>();
        var response = context.Response;

        if (!folder.Contains(requestedPath, out var fullPath))
        {
            await WireJson.Detail($"File not allowed: {requestedPath}.", StatusCodes.Status403Forbidden).ExecuteAsync(context);
            return;
        }

        var file = new FileInfo(fullPath);
        if (!file.Exists)
        {
            await WireJson.Detail($"File not found: {requestedPath}.", StatusCodes.Status404NotFound).ExecuteAsync(context);
            return;
        }

        var length = file.Length;
        response.ContentType = ContentTypes.TryGetContentType(file.Name, out var type) ? type : "application/octet-stream";
        response.Headers.AcceptRanges = "bytes";
        response.Headers.LastModified = file.LastWriteTimeUtc.ToString("R", CultureInfo.InvariantCulture);
        response.Headers.ContentDisposition = $"inline; filename=\"{file.Name}\"";

        var range = context.Request.Headers.Range.ToString();
        long start = 0;
        var count = length;
        var announced = length;
        var neverFinishes = false;
        if (range.Length > 0)
        {
            var parsed = ParseRange(range, length);
            switch (parsed.Kind)
            {
                case RangeKind.Multiple:
                    response.ContentType = "text/plain; charset=utf-8";
                    response.StatusCode = StatusCodes.Status500InternalServerError;
                    await response.WriteAsync("Internal Server Error", context.RequestAborted);
                    return;
                case RangeKind.Unsatisfiable:
                    response.StatusCode = StatusCodes.Status416RangeNotSatisfiable;
                    response.Headers.ContentRange = $"bytes */{length}";
                    return;
                case RangeKind.Satisfiable:
                    start = parsed.Start;
                    count = parsed.End - parsed.Start + 1;
                    announced = count;
                    response.StatusCode = StatusCodes.Status206PartialContent;
                    response.Headers.ContentRange = $"bytes {parsed.Start}-{parsed.End}/{length}";
                    if (parsed.ExplicitEndReachesEnd)
                    {
                        announced = count + 1;
                        response.Headers.ContentRange = $"bytes {parsed.Start}-{parsed.End + 1}/{length}";
                        neverFinishes = true;
                    }

                    break;
            }
        }

        response.ContentLength = announced;
        if (HttpMethods.IsHead(context.Request.Method))
        {
            return;
        }

        var truncation = faults.TryConsume(FaultKind.DownloadTruncated, context.Request.Path.Value);
        var toSend = truncation?.AfterBytes is { } after ? Math.Min(after, count) : count;
        await using (var stream = new FileStream(fullPath, FileMode.Open, FileAccess.Read, FileShare.ReadWrite, 81920, useAsync: true))
        {
            stream.Seek(start, SeekOrigin.Begin);
            var buffer = new byte[81920];
            var remaining = toSend;
            while (remaining > 0)
            {
                var read = await stream.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, remaining)), context.RequestAborted);
                if (read == 0)
                {
                    break;
                }

                await response.Body.WriteAsync(buffer.AsMemory(0, read), context.RequestAborted);
                remaining -= read;
            }

            await response.Body.FlushAsync(context.RequestAborted);
        }

        if (truncation is not null || neverFinishes)
        {
            // The rest never comes: the download stalls until the proxy gives up on the idle connection.
            await ConnectionCut.CutAsync(context, settings.Current.ProxyTimeout);
        }
    }

    private enum RangeKind
    {
        Satisfiable,
        Unsatisfiable,
        Multiple,
        Ignored,
    }

    private readonly record struct ParsedRange(RangeKind Kind, long Start = 0, long End = 0, bool ExplicitEndReachesEnd = false);

    private static ParsedRange ParseRange(string header, long length)
    {
        if (!header.StartsWith("bytes=", StringComparison.OrdinalIgnoreCase))
        {
            return new ParsedRange(RangeKind.Ignored);
        }

        var spec = header["bytes=".Length..].Trim();
        if (spec.Contains(',', StringComparison.Ordinal))
        {
            return new ParsedRange(RangeKind.Multiple);
        }

        var dash = spec.IndexOf('-', StringComparison.Ordinal);
        if (dash < 0)
        {
            return new ParsedRange(RangeKind.Ignored);
        }

        var first = spec[..dash].Trim();
        var last = spec[(dash + 1)..].Trim();
        if (first.Length == 0)
        {
            if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var suffix) || suffix == 0 || length == 0)
            {
                return new ParsedRange(RangeKind.Unsatisfiable);
            }

            return new ParsedRange(RangeKind.Satisfiable, Math.Max(0, length - suffix), length - 1);
        }

        if (!long.TryParse(first, NumberStyles.None, CultureInfo.InvariantCulture, out var start) || start >= length)
        {
            return new ParsedRange(RangeKind.Unsatisfiable);
        }

        if (last.Length == 0)
        {
            return new ParsedRange(RangeKind.Satisfiable, start, length - 1);
        }

        if (!long.TryParse(last, NumberStyles.None, CultureInfo.InvariantCulture, out var end) || end < start)
        {
            return new ParsedRange(RangeKind.Unsatisfiable);
        }

        return end >= length - 1
            ? new ParsedRange(RangeKind.Satisfiable, start, length - 1, ExplicitEndReachesEnd: true)
            : new ParsedRange(RangeKind.Satisfiable, start, end);
    }
}
