using Deckard.OpenAIMock;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddOpenAIMock();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapOpenAIMock();
app.Run();

/// <summary>Visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
