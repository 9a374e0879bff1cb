using System.ClientModel;
using System.ClientModel.Primitives;
using System.Data.Common;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;
using OpenAI;
using OpenAI.Audio;
using OpenAI.Realtime;
using OpenAI.Responses;

namespace Deckard.Core.OpenAI;

public static class OpenAIServiceExtensions
{
    /// <summary>
    /// One <see cref="OpenAIClient"/> for the configured endpoint and key, and the clients the steps use. The SDK's own
    /// retries are off: the step runner retries with backoff, honours Retry-After, and records every attempt.
    /// </summary>
    public static IHostApplicationBuilder AddDeckardOpenAI(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<OpenAIOptions>()
            .Bind(builder.Configuration.GetSection(OpenAIOptions.SectionName))
            .Configure<IConfiguration>(ApplyConnection)
            .ValidateDataAnnotations()
            .Validate(options => options.ApiKey.Length > 0,
                "No OpenAI key: set ConnectionStrings:openai (Endpoint=...;Key=...) or OpenAI:ApiKey / OPENAI_API_KEY. " +
                "Run through Deckard.AppHost to use the local stand-in.")
            .ValidateOnStart();

        builder.Services.AddSingleton(serviceProvider =>
        {
            var options = serviceProvider.GetRequiredService<IOptions<OpenAIOptions>>().Value;
            return new OpenAIClient(new ApiKeyCredential(options.ApiKey), new OpenAIClientOptions
            {
                Endpoint = options.Endpoint,
                NetworkTimeout = options.NetworkTimeout,
                RetryPolicy = new ClientRetryPolicy(maxRetries: 0),
            });
        });
        // Two audio clients, each bound to its model: transcription and text-to-speech.
        builder.Services.AddKeyedSingleton(AudioClients.Transcription, (serviceProvider, _) => serviceProvider.GetRequiredService<OpenAIClient>()
            .GetAudioClient(serviceProvider.GetRequiredService<IOptions<OpenAIOptions>>().Value.TranscriptionModel));
        builder.Services.AddKeyedSingleton(AudioClients.Speech, (serviceProvider, _) => serviceProvider.GetRequiredService<OpenAIClient>()
            .GetAudioClient(serviceProvider.GetRequiredService<IOptions<OpenAIOptions>>().Value.SpeechModel));
        builder.Services.AddSingleton(serviceProvider => serviceProvider.GetRequiredService<OpenAIClient>()
            .GetImageClient(serviceProvider.GetRequiredService<IOptions<OpenAIOptions>>().Value.ImageModel));
        builder.Services.AddSingleton(serviceProvider => serviceProvider.GetRequiredService<OpenAIClient>().GetResponsesClient());
        // Built with the key directly: OpenAIClient.GetRealtimeClient() would connect without authentication.
        builder.Services.AddSingleton(serviceProvider =>
        {
            var options = serviceProvider.GetRequiredService<IOptions<OpenAIOptions>>().Value;
            return new RealtimeClient(new ApiKeyCredential(options.ApiKey), new RealtimeClientOptions { Endpoint = options.Endpoint });
        });
        return builder;
    }

    private static void ApplyConnection(OpenAIOptions options, IConfiguration configuration)
    {
        var connectionString = configuration.GetConnectionString("openai");
        if (!string.IsNullOrWhiteSpace(connectionString))
        {
            var parts = new DbConnectionStringBuilder { ConnectionString = connectionString };
            if (parts.TryGetValue("Endpoint", out var endpoint) && endpoint is string url)
            {
                options.Endpoint = new Uri(url);
            }

            if (parts.TryGetValue("Key", out var key) && key is string value)
            {
                options.ApiKey = value;
            }
        }

        if (options.ApiKey.Length == 0 && configuration["OPENAI_API_KEY"] is { Length: > 0 } environmentKey)
        {
            options.ApiKey = environmentKey;
        }
    }
}
