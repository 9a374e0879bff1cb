namespace Deckard.Api.Sessions;

/// <summary>
/// The request body, counted as it is read: past <paramref name="limit"/> bytes reading stops with a 413 problem, so no
/// part of a multipart upload (known or unknown) can make the Api read without end. The endpoint lifts Kestrel's own
/// limit because Kestrel answers it by cutting the connection, which a client cannot read.
/// </summary>
public sealed class BoundedRequestBody(Stream inner, long limit) : Stream
{
    private long _read;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => _read; set => throw new NotSupportedException(); }

    public static UploadProblem TooLarge(long limit) => new(StatusCodes.Status413PayloadTooLarge, "request-too-large", "The request is too large",
        $"A new session's whole body is limited to {limit / (1024 * 1024)} MB (Uploads:MaxRequestBytes).");

    public override int Read(byte[] buffer, int offset, int count) => Count(inner.Read(buffer, offset, count));

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default) =>
        Count(await inner.ReadAsync(buffer, cancellationToken));

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    private int Count(int read)
    {
        _read += read;
        return _read > limit ? throw TooLarge(limit) : read;
    }
}
