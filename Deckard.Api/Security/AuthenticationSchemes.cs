namespace Deckard.Api.Security;

/// <summary>The ways a request proves who it is; <see cref="Bearer"/> picks one from what the request carries.</summary>
public static class DeckardSchemes
{
    public const string Bearer = "Deckard";
    public const string ApiKey = "ApiKey";
    public const string Jwt = "Jwt";
    public const string Ticket = "Ticket";

    public const string TicketQueryParameter = "ticket";

    public static string? BearerToken(HttpRequest request)
    {
        var header = request.Headers.Authorization.ToString();
        return header.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) && header.Length > 7 ? header[7..].Trim() : null;
    }

    public static bool LooksLikeJwt(string token) => token.Count(character => character == '.') == 2;
}
