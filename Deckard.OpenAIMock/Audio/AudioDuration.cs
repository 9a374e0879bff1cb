using System.Buffers.Binary;

namespace Deckard.OpenAIMock.Audio;

/// <summary>
/// The length of uploaded audio without decoding it: exact for WAV (from its header), otherwise estimated from the
/// size at a typical bitrate for the container.
/// </summary>
public static class AudioDuration
{
    public static TimeSpan Of(ReadOnlySpan<byte> audio, string extension) =>
        WavDuration(audio) ?? TimeSpan.FromSeconds(audio.Length / (double)TypicalBytesPerSecond(extension));

    private static int TypicalBytesPerSecond(string extension) => extension switch
    {
        "webm" or "ogg" or "oga" => 4_000,
        "flac" => 48_000,
        "wav" => 48_000,
        _ => 16_000,
    };

    private static TimeSpan? WavDuration(ReadOnlySpan<byte> audio)
    {
        if (audio.Length < 12 || !audio[..4].SequenceEqual("RIFF"u8) || !audio[8..12].SequenceEqual("WAVE"u8))
        {
            return null;
        }

        var position = 12;
        uint byteRate = 0;
        while (position + 8 <= audio.Length)
        {
            var chunkId = audio.Slice(position, 4);
            var chunkSize = BinaryPrimitives.ReadUInt32LittleEndian(audio.Slice(position + 4, 4));
            var body = position + 8;
            if (chunkId.SequenceEqual("fmt "u8) && body + 12 <= audio.Length)
            {
                byteRate = BinaryPrimitives.ReadUInt32LittleEndian(audio.Slice(body + 8, 4));
            }
            else if (chunkId.SequenceEqual("data"u8))
            {
                if (byteRate == 0)
                {
                    return null;
                }

                // Streaming WAV writers leave the size at 0 or 0xFFFFFFFF: count what is there.
                var available = audio.Length - body;
                var dataBytes = chunkSize == 0 || chunkSize > available ? available : (long)chunkSize;
                return TimeSpan.FromSeconds(dataBytes / (double)byteRate);
            }

            var next = (long)body + chunkSize + (chunkSize & 1);
            if (next > audio.Length)
            {
                return null;
            }

            position = (int)next;
        }

        return null;
    }
}
