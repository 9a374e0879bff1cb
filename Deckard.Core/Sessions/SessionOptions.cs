using System.Text.Json.Serialization;

namespace Deckard.Core.Sessions;

/// <summary>
/// The optional <c>options</c> part of a new session: an intent override, a portrait style, a voice, lip-sync on or
/// off (and per reply or per conversation), and which of the person's avatars to animate (their current one when absent).
/// </summary>
public sealed record SessionOptions
{
    [JsonPropertyName("intent")]
    public string? Intent { get; init; }

    [JsonPropertyName("style")]
    public string? Style { get; init; }

    [JsonPropertyName("voice")]
    public string? Voice { get; init; }

    [JsonPropertyName("lipsync")]
    public bool? Lipsync { get; init; }

    [JsonPropertyName("avatarId")]
    public Guid? AvatarId { get; init; }

    /// <summary>A conversation's lip-sync: <c>turn</c> (a video per reply, the default) or <c>conversation</c> (one at its end).</summary>
    [JsonPropertyName("lipsyncPer")]
    public string? LipsyncPer { get; init; }
}
