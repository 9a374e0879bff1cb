namespace Deckard.Core.Sessions;

/// <summary>Who a session, its artifacts and avatars belong to.</summary>
public static class Owners
{
    /// <summary>Every request's principal until authentication exists (DESIGN.md section 8's development principal).</summary>
    public const string Development = "dev";
}
