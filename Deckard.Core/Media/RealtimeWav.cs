using System.Buffers.Binary;

namespace Deckard.Core.Media;

/// <summary>
/// The audio of the Realtime API (PCM16, 24 kHz, mono) as a canonical 44-byte-header WAV file: the header is written
/// last, once the length of the samples is known.
/// </summary>
public static class RealtimeWav
{
    public const int SampleRate = 24000;
    public const int BytesPerSample = 2;
    public const int HeaderSize = 44;

    /// <summary>48 bytes of samples per millisecond.</summary>
    public const int BytesPerMillisecond = SampleRate * BytesPerSample / 1000;

    public static int Milliseconds(long sampleBytes) => (int)(sampleBytes / BytesPerMillisecond);

    /// <summary>How many bytes of samples <paramref name="milliseconds"/> take, on a whole sample.</summary>
    public static long BytesFor(int milliseconds) => (long)milliseconds * BytesPerMillisecond;

    public static byte[] Header(long dataBytes)
    {
        var header = new byte[HeaderSize];
        var span = header.AsSpan();
        "RIFF"u8.CopyTo(span);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], checked((uint)(36 + dataBytes)));
        "WAVE"u8.CopyTo(span[8..]);
        "fmt "u8.CopyTo(span[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(span[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(span[22..], 1); // mono
        BinaryPrimitives.WriteUInt32LittleEndian(span[24..], SampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(span[28..], SampleRate * BytesPerSample);
        BinaryPrimitives.WriteUInt16LittleEndian(span[32..], BytesPerSample);
        BinaryPrimitives.WriteUInt16LittleEndian(span[34..], 16);
        "data"u8.CopyTo(span[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(span[40..], checked((uint)dataBytes));
        return header;
    }

    /// <summary>Writes the header at the start of <paramref name="file"/>, which holds <paramref name="dataBytes"/> of samples after it.</summary>
    public static async Task WriteHeaderAsync(Stream file, long dataBytes, CancellationToken cancellationToken)
    {
        file.Position = 0;
        await file.WriteAsync(Header(dataBytes), cancellationToken);
        await file.FlushAsync(cancellationToken);
    }
}
