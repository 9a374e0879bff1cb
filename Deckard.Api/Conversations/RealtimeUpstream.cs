using System.Text.Json.Nodes;
using Deckard.Core.Conversations;
using Deckard.Core.OpenAI;
using Microsoft.Extensions.Options;
using OpenAI.Realtime;

namespace Deckard.Api.Conversations;

/// <summary>
/// Opens the upstream Realtime session for a conversation and configures it with what Deckard decides: the model, the
/// instructions (the topic and the avatar's persona), the voice, 24 kHz PCM both ways and the person's transcription.
/// </summary>
public sealed class RealtimeUpstream(RealtimeClient client, IOptions<OpenAIOptions> openAI, IOptions<ConversationOptions> options)
{
    /// <summary>The voices the Realtime API speaks; a session's other TTS voices fall back to the default.</summary>
    public static IReadOnlySet<string> RealtimeVoices { get; } =
        new HashSet<string>(["alloy", "ash", "ballad", "coral", "echo", "sage", "shimmer", "verse", "marin", "cedar"], StringComparer.Ordinal);

    public string Model => openAI.Value.RealtimeModel;

    public string VoiceFor(LiveConversation conversation) =>
        conversation.Options.Voice is { } voice && RealtimeVoices.Contains(voice) ? voice : options.Value.DefaultVoice;

    public async Task<RealtimeSessionClient> OpenAsync(LiveConversation conversation, CancellationToken cancellationToken)
    {
        var session = await client.StartConversationSessionAsync(Model, cancellationToken: cancellationToken);
        try
        {
            await session.SendCommandAsync(BinaryData.FromString(SessionUpdate(conversation).ToJsonString()),
                new System.ClientModel.Primitives.RequestOptions { CancellationToken = cancellationToken });
            return session;
        }
        catch
        {
            session.Dispose();
            throw;
        }
    }

    /// <summary>Deckard's own <c>session.update</c>, sent before any browser event.</summary>
    public JsonObject SessionUpdate(LiveConversation conversation) => new()
    {
        ["type"] = "session.update",
        ["session"] = new JsonObject
        {
            ["type"] = "realtime",
            ["output_modalities"] = new JsonArray("audio"),
            ["instructions"] = Instructions(conversation),
            ["audio"] = new JsonObject
            {
                ["input"] = new JsonObject
                {
                    ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 },
                    ["transcription"] = new JsonObject { ["model"] = openAI.Value.TranscriptionModel },
                },
                ["output"] = new JsonObject
                {
                    ["format"] = new JsonObject { ["type"] = "audio/pcm", ["rate"] = 24000 },
                    ["voice"] = VoiceFor(conversation),
                },
            },
        },
    };

    public static string Instructions(LiveConversation conversation)
    {
        var who = conversation.Persona is { Length: > 0 } persona ? $"You are the talking avatar of this person, shown as {persona}." : "You are the person's talking avatar.";
        var topic = conversation.Topic is { Length: > 0 } wanted ? $" They want to talk about: {wanted}." : "";
        return who + topic + " Speak naturally and warmly, in short replies of one to three sentences: each reply is also animated as a video.";
    }
}
