using Deckard.RunPodMock;

var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddRunPodMock();

var app = builder.Build();
app.MapDefaultEndpoints();
app.MapRunPodMock();
app.Run();

/// <summary>Visible to WebApplicationFactory-based tests.</summary>
public partial class Program;
