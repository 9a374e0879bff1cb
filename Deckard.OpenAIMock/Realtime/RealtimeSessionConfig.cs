using System.Text.Json.Nodes;
using Deckard.OpenAIMock.Speech;
using Deckard.OpenAIMock.Wire;

namespace Deckard.OpenAIMock.Realtime;

/// <summary>
/// The session object of a realtime connection, as <c>session.created</c> shows it, and <c>session.update</c> applied
/// to it: top-level fields replace, <c>audio.input.*</c> and <c>audio.output.*</c> replace field by field.
/// </summary>
public sealed class RealtimeSessionConfig
{
    public const string DefaultInstructions =
        "You are a helpful, witty, and friendly AI. Act like a human, but remember that you aren't a human. " +
        "Your voice and personality should be warm and engaging.";

    private static readonly string[] Modalities = ["audio", "text"];
    private static readonly string[] TurnDetectionTypes = ["server_vad", "semantic_vad"];

    private RealtimeSessionConfig(JsonObject session) => Session = session;

    public JsonObject Session { get; }

    public string Voice => (string?)Session["audio"]?["output"]?["voice"] ?? "marin";

    public string Instructions => (string?)Session["instructions"] ?? "";

    public IReadOnlyList<string> OutputModalities =>
        (Session["output_modalities"] as JsonArray)?.Select(value => (string?)value ?? "").ToList() ?? ["audio"];

    public bool TranscribesInput => Session["audio"]?["input"]?["transcription"] is JsonObject;

    public JsonObject? TurnDetection => Session["audio"]?["input"]?["turn_detection"] as JsonObject;

    public static RealtimeSessionConfig Create(string model, long expiresAt) => new(new JsonObject
    {
        ["type"] = "realtime",
        ["object"] = "realtime.session",
        ["id"] = WireIds.New("sess", 22),
        ["model"] = model,
        ["output_modalities"] = new JsonArray("audio"),
        ["instructions"] = DefaultInstructions,
        ["tools"] = new JsonArray(),
        ["tool_choice"] = "auto",
        ["max_output_tokens"] = "inf",
        ["truncation"] = "auto",
        ["expires_at"] = expiresAt,
        ["audio"] = new JsonObject
        {
            ["input"] = new JsonObject
            {
                ["format"] = PcmFormat(),
                ["transcription"] = null,
                ["noise_reduction"] = null,
                ["turn_detection"] = new JsonObject
                {
                    ["type"] = "server_vad",
                    ["threshold"] = 0.5,
                    ["prefix_padding_ms"] = 300,
                    ["silence_duration_ms"] = 200,
                    ["idle_timeout_ms"] = null,
                    ["create_response"] = true,
                    ["interrupt_response"] = true,
                },
            },
            ["output"] = new JsonObject
            {
                ["format"] = PcmFormat(),
                ["voice"] = "marin",
                ["speed"] = 1.0,
            },
        },
    });

    /// <summary>Applies <c>session.update</c>; on error nothing changes.</summary>
    public OpenAIError? Update(JsonObject patch, bool assistantAudioPresent)
    {
        var type = (string?)patch["type"];
        if (type is null)
        {
            return OpenAIError.MissingParameter("session.type");
        }

        if (type != "realtime")
        {
            return OpenAIError.InvalidValue("session.type", type, ["realtime"]);
        }

        var candidate = (JsonObject)Session.DeepClone();
        foreach (var (name, value) in patch)
        {
            if (name == "audio" && value is JsonObject audio)
            {
                MergeAudio((JsonObject)candidate["audio"]!, audio);
            }
            else if (name is not ("type" or "object" or "id" or "expires_at"))
            {
                candidate[name] = value?.DeepClone();
            }
        }

        var error = Validate(candidate);
        if (error is null && assistantAudioPresent && (string?)candidate["audio"]?["output"]?["voice"] != Voice)
        {
            error = RealtimeErrors.Invalid("Cannot update a conversation's voice if assistant audio is present.", "cannot_update_voice",
                "session.audio.output.voice");
        }

        if (error is not null)
        {
            return error;
        }

        foreach (var (name, value) in candidate)
        {
            Session[name] = value?.DeepClone();
        }

        return null;
    }

    private static void MergeAudio(JsonObject target, JsonObject patch)
    {
        foreach (var direction in new[] { "input", "output" })
        {
            if (patch[direction] is not JsonObject changes)
            {
                continue;
            }

            var current = (JsonObject)target[direction]!;
            foreach (var (name, value) in changes)
            {
                current[name] = value?.DeepClone();
            }
        }
    }

    private static OpenAIError? Validate(JsonObject session)
    {
        if (session["output_modalities"] is JsonArray modalities)
        {
            var invalid = modalities.Select(value => (string?)value ?? "").FirstOrDefault(value => !Modalities.Contains(value));
            if (invalid is not null)
            {
                return OpenAIError.InvalidValue("session.output_modalities", invalid, Modalities);
            }
        }

        foreach (var direction in new[] { "input", "output" })
        {
            var format = session["audio"]?[direction]?["format"];
            var formatType = (string?)format?["type"];
            if (formatType is not null && formatType != "audio/pcm")
            {
                return RealtimeErrors.Invalid(
                    $"The Deckard stand-in serves audio/pcm only, not '{formatType}'.", "unsupported_audio_format", $"session.audio.{direction}.format.type");
            }

            if (format?["rate"] is JsonValue rate && (int?)rate != 24000)
            {
                return OpenAIError.InvalidValue($"session.audio.{direction}.format.rate", rate.ToString(), ["24000"]);
            }
        }

        var voice = (string?)session["audio"]?["output"]?["voice"];
        if (voice is not null && !SpeechVoices.Realtime.Contains(voice))
        {
            return OpenAIError.InvalidValue("session.audio.output.voice", voice, SpeechVoices.Realtime);
        }

        if (session["audio"]?["input"]?["turn_detection"] is JsonObject turnDetection
            && (string?)turnDetection["type"] is var detection && !TurnDetectionTypes.Contains(detection))
        {
            return OpenAIError.InvalidValue("session.audio.input.turn_detection.type", detection ?? "", TurnDetectionTypes);
        }

        return null;
    }

    private static JsonObject PcmFormat() => new() { ["type"] = "audio/pcm", ["rate"] = 24000 };
}
