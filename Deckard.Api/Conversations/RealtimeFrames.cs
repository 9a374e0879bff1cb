using System.Text.Json;

namespace Deckard.Api.Conversations;

/// <summary>
/// What the proxy reads of a frame without deserialising it: its top-level <c>type</c>, <c>event_id</c> and the length
/// of its <c>audio</c> string. Frames it relays unchanged are never re-serialised.
/// </summary>
public readonly record struct FrameHeader(string? Type, string? EventId, int AudioChars, bool IsJson)
{
    public static FrameHeader Read(ReadOnlySpan<byte> frame)
    {
        try
        {
            var reader = new Utf8JsonReader(frame);
            if (!reader.Read() || reader.TokenType != JsonTokenType.StartObject)
            {
                return default;
            }

            string? type = null, eventId = null;
            var audioChars = 0;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                if (reader.ValueTextEquals("type"u8) && reader.Read())
                {
                    type = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("event_id"u8) && reader.Read())
                {
                    eventId = reader.TokenType == JsonTokenType.String ? reader.GetString() : null;
                }
                else if (reader.ValueTextEquals("audio"u8) && reader.Read())
                {
                    audioChars = reader.TokenType == JsonTokenType.String ? reader.ValueSpan.Length : 0;
                    reader.Skip();
                }
                else
                {
                    reader.Read();
                    reader.Skip();
                }
            }

            return new FrameHeader(type, eventId, audioChars, IsJson: true);
        }
        catch (JsonException)
        {
            return default;
        }
    }

    /// <summary>Decoded bytes of the base64 <c>audio</c> (an upper bound: padding is not subtracted).</summary>
    public int AudioBytes => AudioChars / 4 * 3;
}
