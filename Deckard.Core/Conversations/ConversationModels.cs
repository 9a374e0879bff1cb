using Deckard.Core.Sessions;

namespace Deckard.Core.Conversations;

/// <summary>A conversation session a browser may connect to, with what the upstream session is configured from.</summary>
/// <param name="Topic">What the person wants to talk about (the router's <c>topic</c>), or their request when it gave none.</param>
/// <param name="Persona">Who the person's avatar shows (its portrait's description), when it has one.</param>
/// <param name="NextTurn">The number the next reply gets: turns continue across reconnects.</param>
public sealed record LiveConversation(
    Guid SessionId, string Owner, SessionOptions Options, string? Topic, string? Persona, bool HasAvatar, int NextTurn, string? TraceParent)
{
    /// <summary>Whether each reply (or the whole conversation) is lip-synced: as asked, else when the person has an avatar.</summary>
    public bool WantsLipsync => Options.Lipsync ?? (HasAvatar || Options.AvatarId is not null);

    /// <summary>One render for the whole conversation at its end instead of one per reply.</summary>
    public bool LipsyncOnceAtEnd => Options.LipsyncPer == ConversationLipsync.Conversation;
}

/// <summary>Why a browser may not open a conversation's socket.</summary>
public enum ConversationRefusal
{
    NotFound,
    NotAConversation,
    NotLiveYet,
    Ended,
}

/// <summary>The values of <c>options.lipsyncPer</c>.</summary>
public static class ConversationLipsync
{
    public const string Turn = "turn";
    public const string Conversation = "conversation";

    public static IReadOnlyList<string> All { get; } = [Turn, Conversation];
}

/// <summary>Why a conversation ended, as <c>conversation.ended</c> and the session's results say.</summary>
public static class ConversationEndReasons
{
    /// <summary>The person closed the socket normally.</summary>
    public const string HangUp = "hangup";

    /// <summary>Nobody spoke (or no browser was connected) for the idle timeout.</summary>
    public const string Idle = "idle";

    /// <summary>The upstream's maximum session length was reached.</summary>
    public const string MaxDuration = "max_duration";
}

/// <summary>One finished assistant reply, captured by the proxy: its audio is a 24 kHz mono PCM16 WAV file.</summary>
public sealed record CapturedTurn(
    int Number, string? User, string? Assistant, string? WavPath, int AudioMs, bool Interrupted, bool Complete);
