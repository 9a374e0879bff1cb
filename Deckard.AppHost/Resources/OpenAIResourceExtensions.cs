using Microsoft.Extensions.Configuration;

namespace Deckard.AppHost.Resources;

public static class OpenAIResourceExtensions
{
    /// <summary>The key the stand-in accepts (DESIGN.md section 8).</summary>
    public const string StandInKey = "sk-deckard-local";
    public const int StandInPort = 5090;

    /// <summary>
    /// OpenAI for the services, as the connection string <c>Endpoint=...;Key=...</c>. With a key (the parameter
    /// <c>{name}-api-key</c>, or <c>OPENAI_API_KEY</c>) it is the real API (<c>OpenAI:Endpoint</c>, default
    /// https://api.openai.com/v1). Without one, the stand-in <c>openai-mock</c> answers on port 5090 with its dashboard
    /// commands, and the connection string points at it. Publishing always asks for the key.
    /// </summary>
    public static IResourceBuilder<ConnectionStringResource> AddOpenAI(this IDistributedApplicationBuilder builder, string name)
    {
        var keyParameter = $"{name}-api-key";
        var environmentKey = builder.Configuration["OPENAI_API_KEY"];
        if (builder.ExecutionContext.IsPublishMode
            || !string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{keyParameter}"])
            || !string.IsNullOrWhiteSpace(environmentKey))
        {
            var key = string.IsNullOrWhiteSpace(builder.Configuration[$"Parameters:{keyParameter}"]) && !string.IsNullOrWhiteSpace(environmentKey)
                ? builder.AddParameter(keyParameter, environmentKey, secret: true)
                : builder.AddParameter(keyParameter, secret: true);
            var endpoint = builder.Configuration["OpenAI:Endpoint"] is { Length: > 0 } configured ? configured : "https://api.openai.com/v1";
            return builder.AddConnectionString(name, ReferenceExpression.Create($"Endpoint={endpoint};Key={key}"));
        }

        var standIn = builder.AddProject<Projects.Deckard_OpenAIMock>("openai-mock")
            .WithDevelopmentPort(StandInPort)
            .WithEnvironment("OpenAIMock__ApiKey", StandInKey)
            .WithServiceDefaults()
            .WithOpenAIStandInCommands();
        return builder.AddConnectionString(name, ReferenceExpression.Create($"Endpoint={standIn.GetEndpoint("http")}/v1;Key={StandInKey}"))
            .WaitFor(standIn);
    }

    /// <summary>The failures a person most often wants to watch Deckard survive, one click each.</summary>
    public static IResourceBuilder<ProjectResource> WithOpenAIStandInCommands(this IResourceBuilder<ProjectResource> standIn) => standIn
        .WithAdminCommand("openai-next-routing-429", "OpenAI: next routing call answers 429",
            "The next Responses call (the intent router) answers 429 with Retry-After: 2; the step waits and retries.",
            "/admin/scripts/responses", new { fail = new { status = 429, retry_after_seconds = 2 } })
        .WithAdminCommand("openai-next-transcription-500", "OpenAI: next transcription answers 500",
            "The next transcription answers 500; the step retries with backoff.",
            "/admin/scripts/transcriptions", new { fail = new { status = 500 } })
        .WithAdminCommand("openai-routing-outage", "OpenAI: routing down (500 for 20 calls)",
            "The next 20 Responses calls answer 500: sessions fail with a readable reason after their last attempt.",
            "/admin/scripts/responses", new { fail = new { status = 500 }, times = 20 })
        .WithAdminCommand("openai-slow", "OpenAI: answer 3 s slower",
            "Every call waits 3 s before it is answered, until reset.",
            "/admin/latency", new { milliseconds = 3000 }, HttpMethod.Put, iconName: "Clock")
        .WithAdminCommand("openai-reset", "OpenAI: reset",
            "Forget scripted answers and failures, latency, and the request journal.",
            "/admin/reset", iconName: "ArrowReset");
}
