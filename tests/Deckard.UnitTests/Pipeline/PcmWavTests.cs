using System.Buffers.Binary;
using Deckard.Core.Media;

namespace Deckard.UnitTests.Pipeline;

public sealed class PcmWavTests : IDisposable
{
    private readonly string _path = Path.Combine(Path.GetTempPath(), $"deckard-pcm-{Guid.NewGuid():N}.wav");

    public void Dispose() => File.Delete(_path);

    [Fact]
    public async Task The_length_comes_from_the_data_chunk_even_after_other_chunks()
    {
        await File.WriteAllBytesAsync(_path, Wav(samples: 16000, value: 1000, withListChunk: true));

        Assert.Equal(TimeSpan.FromSeconds(1), await PcmWav.DurationAsync(_path, CancellationToken.None));
    }

    [Fact]
    public async Task Padding_appends_silence_and_keeps_the_header_consistent()
    {
        await File.WriteAllBytesAsync(_path, Wav(samples: 16000, value: 1000, withListChunk: true));

        await PcmWav.PadAsync(_path, TimeSpan.FromSeconds(3.44), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(3.44), await PcmWav.DurationAsync(_path, CancellationToken.None));
        var bytes = await File.ReadAllBytesAsync(_path);
        Assert.Equal(bytes.Length - 8, (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(4)));
        const int expected = 110_080; // 3.44 s × 16,000 samples × 2 bytes
        var dataOffset = bytes.Length - expected;
        Assert.Equal(expected, (int)BinaryPrimitives.ReadUInt32LittleEndian(bytes.AsSpan(dataOffset - 4)));
        Assert.Equal(1000, BinaryPrimitives.ReadInt16LittleEndian(bytes.AsSpan(dataOffset)));
        Assert.All(bytes[(dataOffset + 32_000)..], b => Assert.Equal(0, b));
    }

    [Fact]
    public async Task Padding_never_shortens()
    {
        await File.WriteAllBytesAsync(_path, Wav(samples: 64000, value: 5, withListChunk: false));

        await PcmWav.PadAsync(_path, TimeSpan.FromSeconds(1), CancellationToken.None);

        Assert.Equal(TimeSpan.FromSeconds(4), await PcmWav.DurationAsync(_path, CancellationToken.None));
    }

    [Fact]
    public async Task A_file_that_is_not_wav_has_no_length()
    {
        await File.WriteAllTextAsync(_path, "hello");

        Assert.Null(await PcmWav.DurationAsync(_path, CancellationToken.None));
    }

    /// <summary>16 kHz mono 16-bit PCM, optionally with a LIST chunk between fmt and data as some writers add.</summary>
    private static byte[] Wav(int samples, short value, bool withListChunk)
    {
        using var stream = new MemoryStream();
        using var writer = new BinaryWriter(stream);
        var list = withListChunk ? "INFOISFT\x0E\0\0\0Lavf60.16.100\0"u8.ToArray() : [];
        writer.Write("RIFF"u8);
        writer.Write(4 + 24 + (list.Length > 0 ? 8 + list.Length : 0) + 8 + (samples * 2));
        writer.Write("WAVE"u8);
        writer.Write("fmt "u8);
        writer.Write(16);
        writer.Write((short)1);
        writer.Write((short)1);
        writer.Write(16000);
        writer.Write(32000);
        writer.Write((short)2);
        writer.Write((short)16);
        if (list.Length > 0)
        {
            writer.Write("LIST"u8);
            writer.Write(list.Length);
            writer.Write(list);
        }

        writer.Write("data"u8);
        writer.Write(samples * 2);
        for (var index = 0; index < samples; index++)
        {
            writer.Write(value);
        }

        writer.Flush();
        return stream.ToArray();
    }
}
