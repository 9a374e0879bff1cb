using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Options;

namespace Deckard.Api.Conversations;

/// <summary>
/// What a browser may send upstream. Deckard owns the model, the instructions, the tools and the voice; the browser
/// streams audio, asks for and cancels replies, reports barge-in (<c>conversation.item.truncate</c>), adds its own
/// text messages and tunes turn detection. Anything else is refused with an error event and the socket stays open.
/// </summary>
public sealed class ClientEventPolicy(IOptions<ConversationOptions> options)
{
    public static IReadOnlySet<string> Allowed { get; } = new HashSet<string>(StringComparer.Ordinal)
    {
        "input_audio_buffer.append",
        "input_audio_buffer.commit",
        "input_audio_buffer.clear",
        "response.create",
        "response.cancel",
        "conversation.item.create",
        "conversation.item.truncate",
        "session.update",
    };

    /// <summary>What the browser may change in <c>session.update</c>: <c>session.audio.input</c>'s members below.</summary>
    private static readonly string[] TunableInput = ["turn_detection", "noise_reduction"];

    /// <summary>Null when the frame may go upstream as it is; otherwise why not.</summary>
    public ClientEventRefusal? Check(ReadOnlySpan<byte> frame, FrameHeader header)
    {
        if (!header.IsJson)
        {
            return new("invalid_event", "The event is not a JSON object.", null);
        }

        if (header.Type is not { } type)
        {
            return new("invalid_event", "The event has no 'type'.", "type");
        }

        if (!Allowed.Contains(type))
        {
            return new("event_not_allowed",
                $"Deckard does not relay '{type}' events. Allowed: {string.Join(", ", Allowed.Order(StringComparer.Ordinal))}.", "type");
        }

        return type switch
        {
            "input_audio_buffer.append" when header.AudioBytes > options.Value.MaxAppendAudioBytes => new("audio_too_large",
                $"One input_audio_buffer.append may carry at most {options.Value.MaxAppendAudioBytes} bytes of audio; send smaller chunks.", "audio"),
            "session.update" => CheckSessionUpdate(frame),
            "response.create" => CheckResponseCreate(frame),
            "conversation.item.create" => CheckItemCreate(frame),
            _ => null,
        };
    }

    private static ClientEventRefusal? CheckSessionUpdate(ReadOnlySpan<byte> frame)
    {
        if (Parse(frame)?["session"] is not JsonObject session)
        {
            return new("invalid_event", "session.update needs a 'session' object.", "session");
        }

        foreach (var (name, value) in session)
        {
            if (name == "type")
            {
                continue;
            }

            if (name != "audio" || value is not JsonObject audio)
            {
                return NotTunable($"session.{name}");
            }

            foreach (var (direction, settings) in audio)
            {
                if (direction != "input" || settings is not JsonObject input)
                {
                    return NotTunable($"session.audio.{direction}");
                }

                if (input.Select(pair => pair.Key).FirstOrDefault(key => !TunableInput.Contains(key)) is { } field)
                {
                    return NotTunable($"session.audio.input.{field}");
                }
            }
        }

        return null;
    }

    private static ClientEventRefusal NotTunable(string field) => new("session_update_not_allowed",
        $"'{field}' is set by Deckard. A browser may change only session.audio.input.turn_detection and session.audio.input.noise_reduction.", field);

    private static ClientEventRefusal? CheckResponseCreate(ReadOnlySpan<byte> frame)
    {
        if (Parse(frame)?["response"] is JsonObject response
            && response.Select(pair => pair.Key).FirstOrDefault(key => key != "metadata") is { } field)
        {
            return new("response_override_not_allowed",
                $"'response.{field}' is set by Deckard; response.create may carry only 'metadata'.", $"response.{field}");
        }

        return null;
    }

    private static ClientEventRefusal? CheckItemCreate(ReadOnlySpan<byte> frame)
    {
        var item = Parse(frame)?["item"];
        return (string?)item?["type"] == "message" && (string?)item?["role"] == "user"
            ? null
            : new("item_not_allowed", "conversation.item.create may add only the person's own messages (type 'message', role 'user').", "item");
    }

    private static JsonNode? Parse(ReadOnlySpan<byte> frame)
    {
        try
        {
            return JsonNode.Parse(frame);
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <summary>Why a client event was not relayed: an error event's code, message and param.</summary>
public sealed record ClientEventRefusal(string Code, string Message, string? Param);
