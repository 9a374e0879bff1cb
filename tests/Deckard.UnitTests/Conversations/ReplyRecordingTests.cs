using System.Buffers.Binary;
using System.Text;
using Deckard.Api.Conversations;
using Deckard.Core.Media;

namespace Deckard.UnitTests.Conversations;

/// <summary>An assistant reply captured from its audio deltas into a 24 kHz mono PCM16 WAV, cut at what was heard.</summary>
public sealed class ReplyRecordingTests : IDisposable
{
    private readonly DirectoryInfo _folder = Directory.CreateTempSubdirectory("deckard-reply-tests-");

    public void Dispose() => _folder.Delete(recursive: true);

    [Fact]
    public async Task Deltas_become_one_wav_whose_header_matches_its_samples()
    {
        using var reply = new ReplyRecording("resp_1", "item_user", _folder.FullName);
        var samples = Enumerable.Range(0, 4800).Select(i => (byte)i).ToArray(); // 100 ms

        reply.AppendBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(samples)), timestamp: 1);
        reply.AppendBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(samples)), timestamp: 2);
        var path = await reply.CompleteAsync(CancellationToken.None);

        var wav = await File.ReadAllBytesAsync(path!);
        Assert.Equal(44 + 9600, wav.Length);
        Assert.Equal("RIFF", Encoding.ASCII.GetString(wav, 0, 4));
        Assert.Equal(36 + 9600, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(4)));
        Assert.Equal(24000, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(24)));
        Assert.Equal(1, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(22)));
        Assert.Equal(16, BinaryPrimitives.ReadInt16LittleEndian(wav.AsSpan(34)));
        Assert.Equal(9600, BinaryPrimitives.ReadInt32LittleEndian(wav.AsSpan(40)));
        Assert.Equal(samples, wav.AsSpan(44 + 4800, 4800).ToArray());
        Assert.Equal(1, reply.FirstAudioTimestamp);
        Assert.Equal(TimeSpan.FromMilliseconds(200), reply.Duration);
    }

    [Fact]
    public async Task A_truncated_reply_keeps_only_what_was_heard()
    {
        using var reply = new ReplyRecording("resp_1", null, _folder.FullName);
        reply.AppendBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[RealtimeWav.BytesPerMillisecond * 4000])), timestamp: 1);

        reply.Truncate(1200);
        var path = await reply.CompleteAsync(CancellationToken.None);

        Assert.True(reply.Truncated.Task.IsCompleted);
        Assert.Equal(44 + RealtimeWav.BytesPerMillisecond * 1200, new FileInfo(path!).Length);
        Assert.Equal(1200, RealtimeWav.Milliseconds(reply.SampleBytes));
    }

    [Fact]
    public async Task A_reply_without_audio_has_no_file_and_disposing_deletes_the_temporary_audio()
    {
        using (var silent = new ReplyRecording("resp_0", null, _folder.FullName))
        {
            Assert.Null(await silent.CompleteAsync(CancellationToken.None));
        }

        var reply = new ReplyRecording("resp_1", null, _folder.FullName);
        reply.AppendBase64(Encoding.ASCII.GetBytes(Convert.ToBase64String(new byte[480])), timestamp: 1);
        var path = await reply.CompleteAsync(CancellationToken.None);
        Assert.True(File.Exists(path));

        reply.Dispose();

        Assert.Empty(_folder.GetFiles());
    }
}
