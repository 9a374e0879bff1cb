using Deckard.Api;
using Deckard.Api.Avatars;
using Deckard.Api.Conversations;
using Deckard.Api.Media;
using Deckard.Api.OpenApi;
using Deckard.Api.Security;
using Deckard.Api.Sessions;
using Scalar.AspNetCore;

// 'keys create|list|revoke' manages API keys and exits; anything else runs the API.
if (ApiKeyCommand.IsCommand(args))
{
    return await ApiKeyCommand.RunAsync(args, Console.Out, Console.Error);
}

var builder = WebApplication.CreateBuilder(args);
if (BuildTimeDocument.IsGenerating)
{
    BuildTimeDocument.UsePlaceholderConnections(builder);
}

builder.AddServiceDefaults();
builder.AddDeckardApi();
if (BuildTimeDocument.IsGenerating)
{
    BuildTimeDocument.WithoutBackgroundWork(builder.Services);
}

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseDeckardWebSecurity();
app.UseWebSockets();
app.UseAuthentication();
app.UseRateLimiter();
app.UseAuthorization();
app.MapDefaultEndpoints();
app.MapOpenApi().AllowAnonymous();
app.MapScalarApiReference().AllowAnonymous();
app.MapServiceInfo();
app.MapSessionEndpoints();
app.MapConversationEndpoints();
app.MapAvatarEndpoints();
app.MapMediaEndpoints();
app.Run();
return 0;

/// <summary>Visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
