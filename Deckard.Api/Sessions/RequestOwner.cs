using Deckard.Core.Sessions;

namespace Deckard.Api.Sessions;

/// <summary>The principal a request acts for; every read and write is scoped to it.</summary>
public static class RequestOwner
{
    /// <summary>Until authentication exists every request is the development principal.</summary>
    public static string Of(HttpContext context) => context.User.Identity?.IsAuthenticated == true && context.User.Identity.Name is { Length: > 0 } name
        ? name
        : Owners.Development;
}
