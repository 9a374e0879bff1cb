namespace Deckard.Core.Media;

/// <summary>An upload format Deckard accepts, recognised by its bytes. All of them are formats OpenAI transcribes as they are.</summary>
public sealed record AudioFormat(string Name, string ContentType, string Extension)
{
    public static readonly AudioFormat Wav = new("WAV", "audio/wav", "wav");
    public static readonly AudioFormat WebM = new("WebM", "audio/webm", "webm");
    public static readonly AudioFormat Ogg = new("Ogg", "audio/ogg", "ogg");
    public static readonly AudioFormat Mp3 = new("MP3", "audio/mpeg", "mp3");
    public static readonly AudioFormat M4a = new("M4A", "audio/mp4", "m4a");
    public static readonly AudioFormat Flac = new("FLAC", "audio/flac", "flac");

    public static IReadOnlyList<AudioFormat> All { get; } = [Wav, WebM, Ogg, Mp3, M4a, Flac];

    public static AudioFormat? FromContentType(string contentType) => All.FirstOrDefault(format => format.ContentType == contentType);

    /// <summary>The format the first bytes announce (the file name and declared type are not trusted), or null.</summary>
    public static AudioFormat? Sniff(ReadOnlySpan<byte> header)
    {
        if (header.Length >= 12 && header[..4].SequenceEqual("RIFF"u8) && header[8..12].SequenceEqual("WAVE"u8))
        {
            return Wav;
        }

        if (header.Length >= 4 && header[..4].SequenceEqual(new byte[] { 0x1A, 0x45, 0xDF, 0xA3 }))
        {
            // EBML: WebM names its doctype early in the header; other Matroska files are not WebM.
            return header.IndexOf("webm"u8) >= 0 ? WebM : null;
        }

        if (header.Length >= 4 && header[..4].SequenceEqual("OggS"u8))
        {
            return Ogg;
        }

        if (header.Length >= 4 && header[..4].SequenceEqual("fLaC"u8))
        {
            return Flac;
        }

        if (header.Length >= 12 && header[4..8].SequenceEqual("ftyp"u8))
        {
            return M4a;
        }

        if (header.Length >= 3 && header[..3].SequenceEqual("ID3"u8))
        {
            return Mp3;
        }

        // An MPEG audio frame header: 11 sync bits, then a layer that is not "reserved".
        return header.Length >= 2 && header[0] == 0xFF && (header[1] & 0xE0) == 0xE0 && (header[1] & 0x06) != 0 ? Mp3 : null;
    }
}
