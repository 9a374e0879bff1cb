namespace Deckard.Core.Sessions;

/// <summary>What the person wants: the three flows.</summary>
public static class Intent
{
    public const string Avatar = "avatar";
    public const string Conversation = "conversation";
    public const string Search = "search";

    public static IReadOnlyList<string> All { get; } = [Avatar, Conversation, Search];

    public static bool IsKnown(string? intent) => intent is not null && All.Contains(intent);
}
