using System.Text;
using Deckard.Core.Media;

namespace Deckard.UnitTests.Pipeline;

public sealed class AudioFormatTests
{
    public static TheoryData<byte[], string> Headers => new()
    {
        { [.. "RIFF"u8, 0x24, 0, 0, 0, .. "WAVEfmt "u8], "WAV" },
        { [0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x86, 0x81, 0x01, 0x42, 0x82, 0x84, .. "webm"u8], "WebM" },
        { [.. "OggS"u8, 0, 2, 0, 0, 0, 0, 0, 0], "Ogg" },
        { [.. "ID3"u8, 4, 0, 0, 0, 0, 0, 0], "MP3" },
        { [0xFF, 0xFB, 0x90, 0x44, 0, 0], "MP3" },
        { [0, 0, 0, 0x20, .. "ftypM4A "u8, 0, 0], "M4A" },
        { [.. "fLaC"u8, 0, 0, 0, 0x22], "FLAC" },
    };

    [Theory]
    [MemberData(nameof(Headers))]
    public void Audio_is_recognised_by_its_first_bytes(byte[] header, string expected) =>
        Assert.Equal(expected, AudioFormat.Sniff(header)?.Name);

    [Theory]
    [InlineData("this is only text, named voice.wav")]
    [InlineData("{\"json\": true}")]
    [InlineData("")]
    public void Text_is_not_taken_for_audio_whatever_it_is_called(string text) =>
        Assert.Null(AudioFormat.Sniff(Encoding.UTF8.GetBytes(text)));

    [Fact]
    public void A_matroska_file_that_is_not_webm_is_not_accepted() =>
        Assert.Null(AudioFormat.Sniff([0x1A, 0x45, 0xDF, 0xA3, 0x9F, 0x42, 0x82, 0x88, .. "matroska"u8]));

    [Fact]
    public void Every_accepted_format_maps_back_from_its_stored_content_type() =>
        Assert.All(AudioFormat.All, format => Assert.Same(format, AudioFormat.FromContentType(format.ContentType)));
}
