using System.Buffers;
using System.Buffers.Text;
using Deckard.Core.Media;

namespace Deckard.Api.Conversations;

/// <summary>
/// One assistant reply as it streams: its audio deltas appended to a temporary WAV file (never whole in memory), its
/// transcript, and whether the person cut it short. The file is deleted when the recording is disposed.
/// </summary>
public sealed class ReplyRecording : IDisposable
{
    private readonly string _path;
    private FileStream? _file;

    public ReplyRecording(string responseId, string? userItemId, string folder)
    {
        ResponseId = responseId;
        UserItemId = userItemId;
        _path = Path.Combine(folder, $"deckard-reply-{Guid.NewGuid():N}.wav");
    }

    public string ResponseId { get; }

    /// <summary>The person's input item this reply answers (its transcription arrives separately).</summary>
    public string? UserItemId { get; }

    public string? ItemId { get; set; }

    public string? Transcript { get; set; }

    public long SampleBytes { get; private set; }

    /// <summary>When its first audio was relayed to the browser: playback starts about then.</summary>
    public long? FirstAudioTimestamp { get; private set; }

    /// <summary>The response's final status (<c>completed</c>, <c>cancelled</c>, ...), or null while it runs.</summary>
    public string? Status { get; set; }

    /// <summary>Set when the upstream truncated the reply at what the person heard (barge-in).</summary>
    public int? HeardMilliseconds { get; private set; }

    public TaskCompletionSource Finished { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TaskCompletionSource Truncated { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public TimeSpan Duration => TimeSpan.FromMilliseconds(RealtimeWav.Milliseconds(SampleBytes));

    /// <summary>Appends the PCM of a base64 <c>delta</c> (decoded from the frame's own bytes, no string in between).</summary>
    public void AppendBase64(ReadOnlySpan<byte> base64, long timestamp)
    {
        var decoded = ArrayPool<byte>.Shared.Rent(Base64.GetMaxDecodedFromUtf8Length(base64.Length));
        try
        {
            if (Base64.DecodeFromUtf8(base64, decoded, out _, out var written) != OperationStatus.Done)
            {
                return;
            }

            _file ??= CreateFile();
            _file.Write(decoded, 0, written);
            SampleBytes += written;
            FirstAudioTimestamp ??= timestamp;
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(decoded);
        }
    }

    public void Truncate(int milliseconds)
    {
        HeardMilliseconds = milliseconds;
        Truncated.TrySetResult();
    }

    /// <summary>Cuts the audio to what was heard and writes the WAV header; the path of the finished file, or null without audio.</summary>
    public async Task<string?> CompleteAsync(CancellationToken cancellationToken)
    {
        if (_file is null)
        {
            return null;
        }

        if (HeardMilliseconds is { } heard && RealtimeWav.BytesFor(heard) < SampleBytes)
        {
            SampleBytes = RealtimeWav.BytesFor(heard);
            _file.SetLength(RealtimeWav.HeaderSize + SampleBytes);
        }

        await RealtimeWav.WriteHeaderAsync(_file, SampleBytes, cancellationToken);
        await _file.DisposeAsync();
        _file = null;
        return _path;
    }

    public void Dispose()
    {
        _file?.Dispose();
        _file = null;
        File.Delete(_path);
    }

    private FileStream CreateFile()
    {
        var file = new FileStream(_path, FileMode.CreateNew, FileAccess.ReadWrite, FileShare.None, 64 * 1024);
        file.Write(new byte[RealtimeWav.HeaderSize]);
        return file;
    }
}
