using System.Globalization;
using Deckard.Hosting;
using Deckard.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

var builder = DeckardApp.CreateBuilder(args);

var postgres = builder.AddPostgres("postgres").WithDatabase("deckard");
var redis = builder.AddRedis("redis");
var openai = builder.AddOpenAI("openai")
    .WithLocalStandIn<Projects.Deckard_OpenAIMock>("openai-mock", port: 5090);   // only when no OPENAI_API_KEY is set

// The stand-in renders at this fraction of an RTX 4090's pace; the workers' ETA uses the same factor.
var renderTimeScale = builder.Configuration.GetValue("RunPodMock:CostModel:TimeScale", 0.1).ToString(CultureInfo.InvariantCulture);
var runpod = builder.AddProject<Projects.Deckard_RunPodMock>("runpod-mock")
    .WithHttpEndpoint(port: 7860)
    .WithEnvironment("RunPodMock__CostModel__TimeScale", renderTimeScale);

var api = builder.AddProject<Projects.Deckard_Api>("api")
    .WithHttpEndpoint(port: 5080)
    .WithReference(postgres).WaitFor(postgres)
    .WithReference(redis).WaitFor(redis);

builder.AddProject<Projects.Deckard_Workers>("workers")
    .WithReplicas(builder.Configuration.GetValue("Resources:workers:Replicas", 2))
    .WithReference(postgres).WithReference(redis)
    .WithReference(openai)
    .WithReference(runpod)
    .WithEnvironment("StableAvatar__BaseUrl", "http://runpod-mock")   // resolved by service discovery
    .WithEnvironment("StableAvatar__Cost__Scale", renderTimeScale)
    .WaitFor(api);   // the api owns the database schema

builder.Build().Run();

/// <summary>The entry point the testing builder runs.</summary>
public partial class Program;
