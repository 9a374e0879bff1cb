using Deckard.Core.OpenAI;

namespace Deckard.Api.Conversations;

public static class ConversationServiceExtensions
{
    /// <summary>The realtime proxy: OpenAI's Realtime client, the client-event policy, live connections and the idle sweep.</summary>
    public static IHostApplicationBuilder AddConversations(this IHostApplicationBuilder builder)
    {
        builder.AddDeckardOpenAI();
        builder.Services.AddOptions<ConversationOptions>()
            .Bind(builder.Configuration.GetSection(ConversationOptions.SectionName))
            .ValidateDataAnnotations()
            .Validate(options => RealtimeUpstream.RealtimeVoices.Contains(options.DefaultVoice),
                $"Conversation:DefaultVoice must be one of the Realtime voices: {string.Join(", ", RealtimeUpstream.RealtimeVoices)}.")
            .ValidateOnStart();
        builder.Services.AddSingleton<ClientEventPolicy>();
        builder.Services.AddSingleton<RealtimeUpstream>();
        builder.Services.AddSingleton<LiveConnections>();
        builder.Services.AddHostedService<AbandonedConversationSweep>();
        return builder;
    }
}
