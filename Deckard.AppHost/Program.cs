using Deckard.AppHost.Resources;
using Microsoft.Extensions.Configuration;

var builder = DistributedApplication.CreateBuilder(args)
    // A resource is noticed the moment it is ready, not at Aspire's next poll seconds later.
    .WithPromptHealthChecks();

// PostgreSQL and Redis: Aspire's containers where a container runtime answers, else the OS's servers as processes.
var servers = await builder.ChooseServerHostingAsync();
var database = servers.AddPostgresDatabase("postgres", "deckard");
var redis = servers.AddRedis("redis");

// The paid services: the real ones when configured (a key, a pod's URL), else Deckard's stand-ins.
var openai = builder.AddOpenAI("openai");
var stableAvatar = builder.AddStableAvatar("stableavatar");

// More than one Api instance (Resources:api:Replicas) sits behind Aspire's proxy on the same port, as behind a load balancer.
var api = builder.AddProject<Projects.Deckard_Api>("api")
    .WithReplicas(builder.Configuration.GetValue("Resources:api:Replicas", 1))
    .WithDevelopmentPort(5080)
    .WithReference(database).WaitFor(database)
    .WithReference(redis).WaitFor(redis)
    .WithReference(openai).WaitFor(openai)
    .WithDevelopmentApiKey()
    .WithMediaSigningKey()
    .WithDashboardUrl()
    .WithServiceDefaults();

// The web app's dev server (web/, http://localhost:5173), pointed at the api.
api.WithWebApp();

builder.AddProject<Projects.Deckard_Workers>("workers")
    .WithReplicas(builder.Configuration.GetValue("Resources:workers:Replicas", 2))
    .WithHttpEndpoint()
    .WithReference(database).WaitFor(database)
    .WithReference(redis).WaitFor(redis)
    .WithReference(openai).WaitFor(openai)
    .WithReference(stableAvatar).WaitFor(stableAvatar)
    .WithServiceDefaults();

builder.Build().RunOrExplainRefusal();
