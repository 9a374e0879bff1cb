using Deckard.Api;
using Deckard.Api.Avatars;
using Deckard.Api.Conversations;
using Deckard.Api.Media;
using Deckard.Api.Sessions;
using Scalar.AspNetCore;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDeckardApi();

var app = builder.Build();
app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseWebSockets();
app.MapDefaultEndpoints();
app.MapOpenApi();
app.MapScalarApiReference();
app.MapServiceInfo();
app.MapSessionEndpoints();
app.MapConversationEndpoints();
app.MapAvatarEndpoints();
app.MapMediaEndpoints();
app.Run();

/// <summary>Visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
