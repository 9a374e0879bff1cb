using System.Buffers.Text;
using System.Globalization;
using System.Text;

namespace Deckard.Api.Sessions;

/// <summary>An opaque page cursor: the creation time and id of the last session on the previous page.</summary>
public static class SessionCursor
{
    public static string Encode(DateTimeOffset createdAt, Guid id) =>
        Base64Url.EncodeToString(Encoding.UTF8.GetBytes($"{createdAt.UtcTicks.ToString(CultureInfo.InvariantCulture)}:{id:N}"));

    public static bool TryDecode(string cursor, out (DateTimeOffset CreatedAt, Guid Id) position)
    {
        position = default;
        try
        {
            var parts = Encoding.UTF8.GetString(Base64Url.DecodeFromChars(cursor)).Split(':');
            if (parts.Length == 2 && long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks)
                && Guid.TryParseExact(parts[1], "N", out var id))
            {
                position = (new DateTimeOffset(ticks, TimeSpan.Zero), id);
                return true;
            }
        }
        catch (FormatException)
        {
            // Not ours.
        }

        return false;
    }
}
