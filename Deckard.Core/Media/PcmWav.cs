using System.Buffers.Binary;

namespace Deckard.Core.Media;

/// <summary>
/// The 16 kHz mono 16-bit WAV files media preparation writes: writing them from samples, their length from the
/// <c>data</c> chunk, and padding with silence by appending zero samples and fixing the RIFF and data sizes.
/// </summary>
public static class PcmWav
{
    private const int SampleRate = 16000;
    private const int BytesPerSample = 2;

    public static async Task<TimeSpan?> DurationAsync(string path, CancellationToken cancellationToken)
    {
        var layout = await ReadLayoutAsync(path, cancellationToken);
        return layout is { } found ? TimeSpan.FromSeconds(found.DataSize / (double)(SampleRate * BytesPerSample)) : null;
    }

    /// <summary>Writes mono float samples as a 16-bit PCM WAV (rounded, clipped at full scale).</summary>
    public static void Write(string path, ReadOnlySpan<float> samples, int sampleRate)
    {
        var data = samples.Length * BytesPerSample;
        var bytes = new byte[44 + data];
        var header = bytes.AsSpan();
        "RIFF"u8.CopyTo(header);
        BinaryPrimitives.WriteUInt32LittleEndian(header[4..], (uint)(36 + data));
        "WAVE"u8.CopyTo(header[8..]);
        "fmt "u8.CopyTo(header[12..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[16..], 16);
        BinaryPrimitives.WriteUInt16LittleEndian(header[20..], 1); // PCM
        BinaryPrimitives.WriteUInt16LittleEndian(header[22..], 1); // mono
        BinaryPrimitives.WriteUInt32LittleEndian(header[24..], (uint)sampleRate);
        BinaryPrimitives.WriteUInt32LittleEndian(header[28..], (uint)(sampleRate * BytesPerSample));
        BinaryPrimitives.WriteUInt16LittleEndian(header[32..], BytesPerSample);
        BinaryPrimitives.WriteUInt16LittleEndian(header[34..], 16);
        "data"u8.CopyTo(header[36..]);
        BinaryPrimitives.WriteUInt32LittleEndian(header[40..], (uint)data);
        for (var index = 0; index < samples.Length; index++)
        {
            var value = Math.Clamp(MathF.Round(samples[index] * 32768f), short.MinValue, short.MaxValue);
            BinaryPrimitives.WriteInt16LittleEndian(header[(44 + index * BytesPerSample)..], (short)value);
        }

        File.WriteAllBytes(path, bytes);
    }

    public static async Task PadAsync(string path, TimeSpan length, CancellationToken cancellationToken)
    {
        var layout = await ReadLayoutAsync(path, cancellationToken)
            ?? throw new MediaPreparationException("The converted speech is not a WAV file.");
        var target = (long)Math.Ceiling(length.TotalSeconds * SampleRate) * BytesPerSample;
        if (target <= layout.DataSize)
        {
            return;
        }

        await using var file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None, 81920, FileOptions.Asynchronous);
        file.SetLength(layout.DataOffset + target); // the new bytes read as zeros: silence
        var size = new byte[4];
        BinaryPrimitives.WriteUInt32LittleEndian(size, checked((uint)(file.Length - 8)));
        file.Position = 4;
        await file.WriteAsync(size, cancellationToken);
        BinaryPrimitives.WriteUInt32LittleEndian(size, checked((uint)target));
        file.Position = layout.DataOffset - 4;
        await file.WriteAsync(size, cancellationToken);
    }

    /// <summary>Where the samples start and how many bytes they take, or null when this is not PCM WAV.</summary>
    private static async Task<(long DataOffset, long DataSize)?> ReadLayoutAsync(string path, CancellationToken cancellationToken)
    {
        await using var file = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.Read, 4096, FileOptions.Asynchronous);
        var header = new byte[12];
        if (await file.ReadAtLeastAsync(header, 12, throwOnEndOfStream: false, cancellationToken) < 12
            || !header.AsSpan(0, 4).SequenceEqual("RIFF"u8) || !header.AsSpan(8, 4).SequenceEqual("WAVE"u8))
        {
            return null;
        }

        var chunk = new byte[8];
        while (await file.ReadAtLeastAsync(chunk, 8, throwOnEndOfStream: false, cancellationToken) == 8)
        {
            var size = BinaryPrimitives.ReadUInt32LittleEndian(chunk.AsSpan(4));
            if (chunk.AsSpan(0, 4).SequenceEqual("data"u8))
            {
                // A size of 0 or beyond the file (a writer that could not seek back) means "to the end".
                var available = file.Length - file.Position;
                return (file.Position, size == 0 || size > available ? available : size);
            }

            file.Position += size + (size & 1);
        }

        return null;
    }
}
