using System.Buffers.Binary;
using Deckard.Core.Media;

namespace Deckard.UnitTests.Media;

/// <summary>The in-process reading of a WAV's length, which spares ffprobe for the common case.</summary>
public sealed class WavHeaderTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("deckard-wav-").FullName;

    [Theory]
    [InlineData(1, 16, 16_000, 1, 96_000, 3.0)] // what Deckard's tests and espeak-ng write
    [InlineData(1, 16, 48_000, 2, 96_000, 0.5)]
    [InlineData(1, 24, 44_100, 2, 44_100 * 3, 0.5)]
    [InlineData(3, 32, 24_000, 1, 24_000 * 4 * 2, 2.0)] // IEEE float
    public void A_pcm_wav_is_as_long_as_its_data_chunk_says(int tag, int bits, int rate, int channels, int dataBytes, double seconds)
    {
        var path = Write(Wav(tag, bits, rate, channels, dataBytes));

        Assert.Equal(TimeSpan.FromSeconds(seconds), AudioProbe.PcmWavDuration(path));
    }

    [Fact]
    public void Chunks_before_the_format_and_between_it_and_the_data_are_skipped()
    {
        var path = Write(Wav(1, 16, 16_000, 1, 32_000, before: Chunk("LIST", new byte[7]), between: Chunk("fact", new byte[4])));

        Assert.Equal(TimeSpan.FromSeconds(1), AudioProbe.PcmWavDuration(path));
    }

    [Fact]
    public void The_extensible_format_is_read_by_its_subformat()
    {
        var pcm = Write(Wav(0xFFFE, 16, 16_000, 1, 32_000, subformat: 1));
        var compressed = Write(Wav(0xFFFE, 16, 16_000, 1, 32_000, subformat: 0x55));

        Assert.Equal(TimeSpan.FromSeconds(1), AudioProbe.PcmWavDuration(pcm));
        Assert.Null(AudioProbe.PcmWavDuration(compressed));
    }

    [Theory]
    [InlineData(0x55, 16, 16_000, 1)] // MP3 inside a WAV: ffprobe's to judge
    [InlineData(1, 12, 16_000, 1)] // a sample size no one writes
    [InlineData(1, 16, 0, 1)] // no sample rate
    [InlineData(1, 16, 16_000, 0)] // no channels
    public void Anything_unusual_is_left_to_ffprobe(int tag, int bits, int rate, int channels)
    {
        var path = Write(Wav(tag, bits, rate, channels, 32_000));

        Assert.Null(AudioProbe.PcmWavDuration(path));
    }

    [Fact]
    public void A_byte_rate_that_contradicts_the_other_fields_is_left_to_ffprobe()
    {
        var bytes = Wav(1, 16, 16_000, 1, 32_000);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(28), 12_345);

        Assert.Null(AudioProbe.PcmWavDuration(Write(bytes)));
    }

    [Theory]
    [InlineData(0u)]
    [InlineData(uint.MaxValue)]
    public void A_data_length_a_streaming_writer_left_unknown_is_left_to_ffprobe(uint announced)
    {
        var bytes = Wav(1, 16, 16_000, 1, 32_000);
        BinaryPrimitives.WriteUInt32LittleEndian(bytes.AsSpan(40), announced);

        Assert.Null(AudioProbe.PcmWavDuration(Write(bytes)));
    }

    [Fact]
    public void A_file_that_is_not_riff_wave_is_left_to_ffprobe()
    {
        Assert.Null(AudioProbe.PcmWavDuration(Write("OggS and then some bytes"u8.ToArray())));
    }

    [Theory]
    [InlineData(1, 8, new byte[] { 0xC0, 0x00 }, -0.25)] // unsigned 8-bit: +0.5 and -1.0
    [InlineData(1, 16, new byte[] { 0x00, 0x40, 0x00, 0xC0 }, 0.0)] // +0.5 and -0.5 cancel
    [InlineData(1, 24, new byte[] { 0x00, 0x00, 0x40, 0x00, 0x00, 0x20 }, 0.375)] // 0.5 and 0.25
    [InlineData(3, 32, new byte[] { 0x00, 0x00, 0x80, 0x3F, 0x00, 0x00, 0x00, 0x00 }, 0.5)] // 1.0 and 0.0
    public void Stereo_samples_are_read_as_the_mean_of_their_channels(int tag, int bits, byte[] frame, double expected)
    {
        var bytes = Wav(tag, bits, 16_000, 2, frame.Length);
        frame.CopyTo(bytes, bytes.Length - frame.Length);
        using var file = new MemoryStream(bytes);

        var layout = WavSamples.ReadLayout(file);
        var mono = WavSamples.ReadMono(file, layout!);

        Assert.Equal(expected, mono.Single(), precision: 4);
    }

    public void Dispose() => Directory.Delete(_folder, recursive: true);

    private string Write(byte[] bytes)
    {
        var path = Path.Combine(_folder, $"{Guid.NewGuid():N}.wav");
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static byte[] Wav(int tag, int bits, int rate, int channels, int dataBytes, byte[]? before = null, byte[]? between = null, int subformat = 0)
    {
        var blockAlign = channels * (bits / 8);
        var format = new byte[tag == 0xFFFE ? 40 : 16];
        BinaryPrimitives.WriteUInt16LittleEndian(format, (ushort)tag);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(2), (ushort)channels);
        BinaryPrimitives.WriteUInt32LittleEndian(format.AsSpan(4), (uint)rate);
        BinaryPrimitives.WriteUInt32LittleEndian(format.AsSpan(8), (uint)(rate * blockAlign));
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(12), (ushort)blockAlign);
        BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(14), (ushort)bits);
        if (tag == 0xFFFE)
        {
            BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(16), 22);
            BinaryPrimitives.WriteUInt16LittleEndian(format.AsSpan(24), (ushort)subformat);
        }

        byte[] body = [.. "WAVE"u8, .. before ?? [], .. Chunk("fmt ", format), .. between ?? [], .. Chunk("data", new byte[dataBytes])];
        var riff = new byte[8];
        "RIFF"u8.CopyTo(riff);
        BinaryPrimitives.WriteUInt32LittleEndian(riff.AsSpan(4), (uint)body.Length);
        return [.. riff, .. body];
    }

    private static byte[] Chunk(string id, byte[] content)
    {
        var header = new byte[8];
        System.Text.Encoding.ASCII.GetBytes(id).CopyTo(header, 0);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(4), (uint)content.Length);
        return [.. header, .. content, .. content.Length % 2 == 1 ? new byte[1] : []];
    }
}
