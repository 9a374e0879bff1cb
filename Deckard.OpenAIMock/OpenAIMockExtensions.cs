using Deckard.OpenAIMock.Audio;
using Deckard.OpenAIMock.Auth;
using Deckard.OpenAIMock.Configuration;
using Deckard.OpenAIMock.Images;
using Deckard.OpenAIMock.Media;
using Deckard.OpenAIMock.Realtime;
using Deckard.OpenAIMock.Responses;
using Deckard.OpenAIMock.Scripting;
using Deckard.OpenAIMock.Speech;
using Deckard.OpenAIMock.Wire;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock;

public static class OpenAIMockExtensions
{
    /// <summary>Registers the stand-in: validated options, the script book and journal, and the fakes behind each endpoint.</summary>
    public static IHostApplicationBuilder AddOpenAIMock(this IHostApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<OpenAIMockOptions>()
            .BindConfiguration(OpenAIMockOptions.SectionName)
            .ValidateOnStart();
        services.AddSingleton<IValidateOptions<OpenAIMockOptions>, OpenAIMockOptionsValidator>();

        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<ScriptBook>();
        services.AddSingleton<RequestJournal>();
        services.AddSingleton<ScriptedCalls>();
        services.AddSingleton<ResponseStore>();
        services.AddSingleton<SpeechSynthesizer>();

        services.AddHealthChecks().AddCheck<MediaToolsHealthCheck>("media-tools");
        return builder;
    }

    /// <summary>Maps the OpenAI surface under <c>/v1</c> (journal, then Bearer auth, then the endpoints) and the admin API.</summary>
    public static WebApplication MapOpenAIMock(this WebApplication app)
    {
        app.UseWebSockets();
        app.UseMiddleware<RequestJournalMiddleware>();
        app.UseMiddleware<ApiKeyMiddleware>();

        var v1 = app.MapGroup("/v1");
        v1.MapPost("/audio/transcriptions", TranscriptionEndpoint.HandleAsync);
        v1.MapPost("/responses", ResponsesEndpoint.HandleAsync);
        v1.MapPost("/images/generations", ImagesEndpoint.HandleAsync);
        v1.MapPost("/audio/speech", SpeechEndpoint.HandleAsync);
        v1.MapGet("/realtime", RealtimeEndpoint.HandleAsync);
        app.MapFallback("/v1/{**path}", (HttpContext context) =>
            OpenAIError.InvalidUrl(context.Request.Method, context.Request.Path.Value ?? "").ToResult());

        app.MapAdminEndpoints();
        return app;
    }
}
