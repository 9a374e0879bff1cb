using System.Security.Cryptography;
using System.Text;

namespace Deckard.OpenAIMock.Audio;

/// <summary>
/// What the stand-in "hears" when no transcript is scripted. Deterministic: the same bytes give the same text.
/// <list type="number">
/// <item>If the bytes contain <c>[transcript: ...]</c> (e.g. written as a container tag with
/// <c>ffmpeg -metadata comment="[transcript: What is a comet?]"</c>), that text.</item>
/// <item>Otherwise one sentence of <see cref="Catalogue"/>, chosen by the SHA-256 of the bytes.</item>
/// </list>
/// </summary>
public static class DefaultTranscript
{
    private static readonly byte[] MarkerStart = Encoding.ASCII.GetBytes("[transcript:");
    private const int MaxMarkedLength = 2000;

    /// <summary>Questions, portrait requests and conversation openers, so default transcripts reach every flow.</summary>
    public static readonly IReadOnlyList<string> Catalogue =
    [
        "What is the tallest mountain in the world?",
        "Please create a portrait of me as a watercolor painting.",
        "Let's have a chat about my day.",
        "How does photosynthesis work?",
        "Draw an avatar of a friendly robot with blue eyes.",
        "I would like to talk about planning a trip to Lisbon.",
        "Who wrote the novel Don Quixote?",
        "Make a picture of an astronaut in the style of an oil painting.",
    ];

    public static string For(ReadOnlySpan<byte> audio) => Marked(audio) ?? Catalogue[CatalogueIndex(audio)];

    public static int CatalogueIndex(ReadOnlySpan<byte> audio)
    {
        Span<byte> hash = stackalloc byte[32];
        SHA256.HashData(audio, hash);
        return (int)(BitConverter.ToUInt32(hash[..4]) % (uint)Catalogue.Count);
    }

    private static string? Marked(ReadOnlySpan<byte> audio)
    {
        var start = audio.IndexOf(MarkerStart);
        if (start < 0)
        {
            return null;
        }

        var rest = audio[(start + MarkerStart.Length)..];
        var end = rest.IndexOf((byte)']');
        if (end < 0 || end > MaxMarkedLength)
        {
            return null;
        }

        var text = Encoding.UTF8.GetString(rest[..end]).Trim();
        return text.Length > 0 ? text : null;
    }
}
