using Deckard.Api;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDeckardApi();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapServiceInfo();
app.Run();

/// <summary>Visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
