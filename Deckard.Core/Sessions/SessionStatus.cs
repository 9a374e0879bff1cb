namespace Deckard.Core.Sessions;

/// <summary>
/// <c>queued</c> → <c>running</c> → <c>completed</c> | <c>failed</c> | <c>cancelled</c>, as stored and as the API shows
/// them; a conversation is <c>conversing</c> (live) after it is routed, until it ends, then <c>running</c> while its
/// last renders finish, or <c>completed</c> at once.
/// </summary>
public static class SessionStatus
{
    public const string Queued = "queued";
    public const string Running = "running";
    public const string Conversing = "conversing";
    public const string Completed = "completed";
    public const string Failed = "failed";
    public const string Cancelled = "cancelled";

    public static bool IsTerminal(string status) => status is Completed or Failed or Cancelled;
}
