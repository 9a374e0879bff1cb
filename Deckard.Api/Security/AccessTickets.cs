using System.Security.Cryptography;
using System.Text;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Deckard.Api.Security;

/// <summary>
/// Short-lived, single-use tickets for the URLs a browser cannot put a header on (EventSource, WebSocket). A ticket
/// names its principal and one session; Redis holds only its hash, expires it, and hands it out once (GETDEL), so every
/// Api instance honours it exactly once.
/// </summary>
public sealed class AccessTickets(IConnectionMultiplexer redis, IOptions<AuthOptions> options, TimeProvider timeProvider)
{
    public const string Marker = "dkt_";

    public async Task<IssuedTicket> IssueAsync(string principal, Guid sessionId)
    {
        var ticket = Marker + Convert.ToBase64String(RandomNumberGenerator.GetBytes(24)).Replace('+', '-').Replace('/', '_');
        var lifetime = options.Value.TicketLifetime;
        await redis.GetDatabase().StringSetAsync(Key(ticket), $"{sessionId:N}|{principal}", lifetime);
        return new IssuedTicket(ticket, timeProvider.GetUtcNow() + lifetime);
    }

    /// <summary>The ticket's principal and session, or null when it is unknown, expired or used already.</summary>
    public async Task<(string Principal, Guid SessionId)?> RedeemAsync(string ticket)
    {
        if (!ticket.StartsWith(Marker, StringComparison.Ordinal) || ticket.Length > 64)
        {
            return null;
        }

        var value = (string?)await redis.GetDatabase().StringGetDeleteAsync(Key(ticket));
        if (value is null || value.IndexOf('|', StringComparison.Ordinal) is not 32 || !Guid.TryParseExact(value[..32], "N", out var sessionId))
        {
            return null;
        }

        return (value[33..], sessionId);
    }

    private static RedisKey Key(string ticket) => "deckard:ticket:" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(ticket)));
}

public sealed record IssuedTicket(string Ticket, DateTimeOffset ExpiresAt);
