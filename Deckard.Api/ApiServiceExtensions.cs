using Deckard.Api.Conversations;
using Deckard.Api.Events;
using Deckard.Api.Media;
using Deckard.Api.OpenApi;
using Deckard.Api.Security;
using Deckard.Api.Sessions;
using Deckard.Api.Telemetry;
using Deckard.Core;

namespace Deckard.Api;

public static class ApiServiceExtensions
{
    /// <summary>Everything the API needs besides the service defaults.</summary>
    public static IHostApplicationBuilder AddDeckardApi(this IHostApplicationBuilder builder)
    {
        builder.AddDeckardCore();
        builder.AddConversations();
        builder.AddDeckardAuthentication();
        builder.AddDeckardRateLimiting();
        builder.AddDeckardWebSecurity();
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = context =>
        {
            // ASP.NET Core's own problems (an unknown route, a wrong method, a bad route value) get a code like Deckard's.
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            if (!context.ProblemDetails.Extensions.ContainsKey("code"))
            {
                context.ProblemDetails.Extensions["code"] = ApiProblems.DefaultCode(status);
            }
        });
        builder.Services.AddExceptionHandler<BadRequestHandler>();
        builder.Services.AddExceptionHandler<DependencyUnavailableHandler>();
        builder.Services.AddOpenApi(openApi => openApi
            .AddDocumentTransformer<BearerSecuritySchemeTransformer>()
            .AddDocumentTransformer<EventSchemaTransformer>()
            .AddSchemaTransformer<OmittedNullsSchemaTransformer>());
        // Numbers are numbers on the wire (the web defaults would also accept and document them as strings).
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.NumberHandling = System.Text.Json.Serialization.JsonNumberHandling.Strict);
        builder.Services.AddOptions<UploadOptions>()
            .Bind(builder.Configuration.GetSection(UploadOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddOptions<MediaOptions>()
            .Bind(builder.Configuration.GetSection(MediaOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddSingleton<SessionUploadReader>();
        builder.Services.AddSingleton<MediaUrlSigner>();
        builder.Services.AddOptions<DashboardOptions>().Bind(builder.Configuration.GetSection(DashboardOptions.SectionName));
        builder.Services.AddSingleton<TraceLinks>();
        builder.Services.AddOptions<RetentionOptions>()
            .Bind(builder.Configuration.GetSection(RetentionOptions.SectionName))
            .ValidateDataAnnotations()
            .ValidateOnStart();
        builder.Services.AddHostedService<RetentionSweep>();
        builder.Services.AddSingleton<SessionEventHub>();
        builder.Services.AddHostedService(serviceProvider => serviceProvider.GetRequiredService<SessionEventHub>());
        return builder;
    }
}
