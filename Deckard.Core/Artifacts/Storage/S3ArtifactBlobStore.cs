using System.Buffers;
using System.Globalization;
using System.Net;
using Amazon.S3;
using Amazon.S3.Model;
using Microsoft.Extensions.Options;

namespace Deckard.Core.Artifacts.Storage;

/// <summary>Artifacts' bytes in an S3-compatible bucket, through the official AWS SDK, streamed both ways.</summary>
public sealed class S3ArtifactBlobStore(IAmazonS3 s3, IOptions<MediaStorageOptions> options) : IArtifactBlobStore
{
    private readonly MediaStorageOptions _options = options.Value;

    public async Task<string> PutAsync(Guid sessionId, Guid artifactId, Stream content, long length, string contentType, CancellationToken cancellationToken)
    {
        var key = $"{_options.KeyPrefix}{sessionId:N}/{artifactId:N}";
        var request = new PutObjectRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            InputStream = content,
            ContentType = contentType,
            AutoCloseStream = false,
            // Services other than AWS (R2, local servers) reject the SDK's chunked, trailer-checksummed uploads: over HTTPS the
            // payload goes unsigned (TLS protects it), over plain HTTP (a local server) its hash is signed, which the SDK
            // computes by reading the stream once more, not by buffering it.
            UseChunkEncoding = _options.ServiceUrl is null,
            DisablePayloadSigning = _options.ServiceUrl is { Scheme: "https" },
        };
        request.Headers.ContentLength = length;
        await s3.PutObjectAsync(request, cancellationToken);
        return key;
    }

    public async Task<bool> CopyRangeAsync(string key, long offset, long length, Stream destination, CancellationToken cancellationToken)
    {
        if (length == 0)
        {
            return true;
        }

        try
        {
            using var response = await s3.GetObjectAsync(new GetObjectRequest
            {
                BucketName = _options.Bucket,
                Key = key,
                // The header form: the SDK takes a numeric range of 0-0 for "no range", and a one-byte read would get the whole object.
                ByteRange = new ByteRange(string.Create(CultureInfo.InvariantCulture, $"bytes={offset}-{offset + length - 1}")),
            }, cancellationToken);
            await CopyExactlyAsync(response.ResponseStream, destination, length, cancellationToken);
            return true;
        }
        catch (AmazonS3Exception exception) when (exception.StatusCode == HttpStatusCode.NotFound)
        {
            return false;
        }
    }

    /// <summary>Copies <paramref name="length"/> bytes, no more: the response promised exactly that many.</summary>
    private static async Task CopyExactlyAsync(Stream source, Stream destination, long length, CancellationToken cancellationToken)
    {
        var buffer = ArrayPool<byte>.Shared.Rent(81920);
        try
        {
            for (var left = length; left > 0;)
            {
                var read = await source.ReadAsync(buffer.AsMemory(0, (int)Math.Min(buffer.Length, left)), cancellationToken);
                if (read == 0)
                {
                    throw new EndOfStreamException($"The media store sent {length - left} of {length} bytes.");
                }

                await destination.WriteAsync(buffer.AsMemory(0, read), cancellationToken);
                left -= read;
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    public async Task DeleteAsync(IReadOnlyCollection<string> keys, CancellationToken cancellationToken)
    {
        // DeleteObjects takes at most 1,000 keys a call.
        foreach (var batch in keys.Chunk(1000))
        {
            await s3.DeleteObjectsAsync(new DeleteObjectsRequest
            {
                BucketName = _options.Bucket,
                Objects = [.. batch.Select(key => new KeyVersion { Key = key })],
                Quiet = true,
            }, cancellationToken);
        }
    }

    public string? PresignedUrl(string key, string contentType, string contentDisposition, DateTimeOffset expires) =>
        s3.GetPreSignedURL(new GetPreSignedUrlRequest
        {
            BucketName = _options.Bucket,
            Key = key,
            Verb = HttpVerb.GET,
            Expires = expires.UtcDateTime,
            Protocol = _options.ServiceUrl?.Scheme == "http" ? Protocol.HTTP : Protocol.HTTPS,
            ResponseHeaderOverrides = new ResponseHeaderOverrides { ContentType = contentType, ContentDisposition = contentDisposition },
        });
}
