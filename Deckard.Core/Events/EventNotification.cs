using System.Globalization;
using System.Text.Json;

namespace Deckard.Core.Events;

/// <summary>
/// What <c>pg_notify</c> says about a new event. A small event travels whole (<c>{session} {seq} {type} {µs} {data}</c>),
/// so a listening Api process can send it on without reading it back; a large one (PostgreSQL caps a payload at 8,000
/// bytes) travels as its session's id alone, and listeners read the table. Either way the notification is sent on
/// commit, so whatever it names is already readable.
/// </summary>
public static class EventNotification
{
    /// <summary>
    /// Events whose data is longer than this go as the short form. <see cref="PayloadSql"/> must be a constant, so it
    /// repeats the figure; a unit test holds the two together.
    /// </summary>
    public const int MaximumDataBytes = 7000;

    /// <summary>
    /// The payload as SQL over a CTE named <c>inserted</c> returning <c>seq, type, data, created_at</c>, with the
    /// session's id (<c>N</c> format) in <c>@payload</c>.
    /// </summary>
    public const string PayloadSql = """
        CASE WHEN octet_length(inserted.data::text) <= 7000
             THEN @payload || ' ' || inserted.seq || ' ' || inserted.type || ' '
                  || (extract(epoch FROM inserted.created_at) * 1000000)::bigint || ' ' || inserted.data::text
             ELSE @payload END
        """;

    /// <summary>The session a payload names, and its event when the payload carries it whole.</summary>
    public static bool TryParse(string payload, out Guid sessionId, out SessionEvent? sessionEvent)
    {
        sessionEvent = null;
        var parts = payload.Split(' ', 5);
        if (!Guid.TryParseExact(parts[0], "N", out sessionId))
        {
            return false;
        }

        if (parts.Length == 5
            && long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var seq)
            && long.TryParse(parts[3], NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out var microseconds))
        {
            try
            {
                using var data = JsonDocument.Parse(parts[4]);
                sessionEvent = new SessionEvent(seq, parts[2], data.RootElement.Clone(),
                    DateTimeOffset.UnixEpoch.AddTicks(microseconds * (TimeSpan.TicksPerMillisecond / 1000)));
            }
            catch (JsonException)
            {
                // Only the session is certain: the listener reads the table.
            }
        }

        return true;
    }
}
