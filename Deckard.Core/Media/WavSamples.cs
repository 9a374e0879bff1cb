using System.Buffers.Binary;

namespace Deckard.Core.Media;

/// <summary>
/// Reads a WAV holding integer PCM (8, 16, 24 or 32 bit) or IEEE float (32 or 64 bit), plain or
/// <c>WAVE_FORMAT_EXTENSIBLE</c>, as mono float samples (the channels averaged, as ffmpeg's <c>-ac 1</c> does). Anything
/// else (another codec, fields that contradict each other) gives null, and the caller hands the file to ffmpeg.
/// </summary>
public static class WavSamples
{
    /// <summary>The layout of a readable WAV: where its samples are and how they are stored.</summary>
    /// <param name="DataBytes">The sample bytes present (whole frames).</param>
    /// <param name="DeclaredDataBytes">What the data chunk announces: 0 or 0xFFFFFFFF when its writer could not know.</param>
    public sealed record Layout(int Tag, int Channels, int SampleRate, int BitsPerSample, long DataOffset, long DataBytes, uint DeclaredDataBytes)
    {
        public int BlockAlign => Channels * (BitsPerSample / 8);

        public bool LengthDeclared => DeclaredDataBytes is not (0 or uint.MaxValue);

        public TimeSpan Duration => TimeSpan.FromSeconds(DataBytes / BlockAlign / (double)SampleRate);
    }

    /// <summary>The file's layout from its header alone (cheap: nothing is decoded), or null when it is not one this reads.</summary>
    public static Layout? ReadLayout(Stream file)
    {
        Span<byte> riff = stackalloc byte[12];
        if (file.ReadAtLeast(riff, 12, throwOnEndOfStream: false) != 12 || !riff[..4].SequenceEqual("RIFF"u8) || !riff[8..].SequenceEqual("WAVE"u8))
        {
            return null;
        }

        Span<byte> header = stackalloc byte[8];
        Span<byte> format = stackalloc byte[40];
        var formatLength = 0;
        while (file.Position + 8 <= file.Length)
        {
            file.ReadExactly(header);
            var size = BinaryPrimitives.ReadUInt32LittleEndian(header[4..]);
            if (header[..4].SequenceEqual("fmt "u8))
            {
                if (size is < 16 or > 40)
                {
                    return null;
                }

                formatLength = (int)size;
                file.ReadExactly(format[..formatLength]);
                file.Position += size & 1;
                continue;
            }

            if (header[..4].SequenceEqual("data"u8))
            {
                // 0 or 0xFFFFFFFF (a streaming writer that could not go back) or a size past the end: up to the end.
                var available = file.Length - file.Position;
                var bytes = size is 0 or uint.MaxValue || size > available ? available : size;
                return formatLength == 0 ? null : Describe(format[..formatLength], file.Position, bytes, size);
            }

            file.Position += size + (size & 1);
        }

        return null;
    }

    /// <summary>The samples of <paramref name="layout"/> as mono floats in [-1, 1].</summary>
    public static float[] ReadMono(Stream file, Layout layout)
    {
        var frames = (int)(layout.DataBytes / layout.BlockAlign);
        var data = new byte[(long)frames * layout.BlockAlign];
        file.Position = layout.DataOffset;
        file.ReadExactly(data);
        var mono = new float[frames];
        var bytesPerSample = layout.BitsPerSample / 8;
        var scale = 1f / layout.Channels;
        for (var frame = 0; frame < frames; frame++)
        {
            var sum = 0.0;
            var offset = frame * layout.BlockAlign;
            for (var channel = 0; channel < layout.Channels; channel++, offset += bytesPerSample)
            {
                sum += Sample(data.AsSpan(offset, bytesPerSample), layout.Tag, layout.BitsPerSample);
            }

            mono[frame] = (float)sum * scale;
        }

        return mono;
    }

    private static double Sample(ReadOnlySpan<byte> bytes, int tag, int bits) => (tag, bits) switch
    {
        (1, 8) => (bytes[0] - 128) / 128.0,
        (1, 16) => BinaryPrimitives.ReadInt16LittleEndian(bytes) / 32768.0,
        (1, 24) => ((bytes[0] | bytes[1] << 8 | bytes[2] << 16) << 8 >> 8) / 8388608.0,
        (1, 32) => BinaryPrimitives.ReadInt32LittleEndian(bytes) / 2147483648.0,
        (3, 32) => BinaryPrimitives.ReadSingleLittleEndian(bytes),
        _ => BinaryPrimitives.ReadDoubleLittleEndian(bytes),
    };

    private static Layout? Describe(ReadOnlySpan<byte> format, long dataOffset, long dataBytes, uint declared)
    {
        int tag = BinaryPrimitives.ReadUInt16LittleEndian(format);
        var channels = BinaryPrimitives.ReadUInt16LittleEndian(format[2..]);
        var sampleRate = BinaryPrimitives.ReadUInt32LittleEndian(format[4..]);
        var byteRate = BinaryPrimitives.ReadUInt32LittleEndian(format[8..]);
        var blockAlign = BinaryPrimitives.ReadUInt16LittleEndian(format[12..]);
        var bits = BinaryPrimitives.ReadUInt16LittleEndian(format[14..]);
        // WAVE_FORMAT_EXTENSIBLE names the real format in the first two bytes of its subformat GUID.
        if (tag == 0xFFFE)
        {
            tag = format.Length >= 26 ? BinaryPrimitives.ReadUInt16LittleEndian(format[24..]) : 0;
        }

        var readable = (tag == 1 && bits is 8 or 16 or 24 or 32 || tag == 3 && bits is 32 or 64)
            && channels is > 0 and <= 8 && sampleRate is >= 1000 and <= 384_000
            && blockAlign == channels * (bits / 8) && byteRate == sampleRate * blockAlign;
        return readable ? new Layout(tag, channels, (int)sampleRate, bits, dataOffset, dataBytes - dataBytes % blockAlign, declared) : null;
    }
}
