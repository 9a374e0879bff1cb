using Deckard.Workers;

// A web host (not a bare worker host) so every replica serves /health and /alive, as eShop's workers do.
var builder = WebApplication.CreateBuilder(args);
builder.AddServiceDefaults();
builder.AddDeckardWorkers();

var app = builder.Build();
app.MapDefaultEndpoints();
app.Run();
