using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using Deckard.AppHost.Resources;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Deckard.AppHost.Tests;

/// <summary>
/// "Deckard is ready" waits for every replica to answer on its own address: Aspire reports all replicas Healthy as soon
/// as one answers through the proxy they share.
/// </summary>
public sealed class ReplicaReadinessTests : IAsyncDisposable
{
    private static readonly TimeSpan StillWaiting = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(20);

    private readonly List<WebApplication> _servers = [];
    private readonly ResourceNotificationService _notifications;
    private readonly ReplicaReadiness _readiness;
    private readonly ProjectResource _api = new("api");

    public ReplicaReadinessTests()
    {
        _api.Annotations.Add(new ReplicaAnnotation(2));
        var services = new ServiceCollection().AddHttpClient().BuildServiceProvider();
        _notifications = new ResourceNotificationService(
            NullLogger<ResourceNotificationService>.Instance, new NoLifetime(), services, new ResourceLoggerService());
        _readiness = new ReplicaReadiness(_notifications, services.GetRequiredService<IHttpClientFactory>());
    }

    [Fact]
    public async Task A_replica_that_runs_but_does_not_answer_yet_holds_the_announcement_until_it_answers()
    {
        var answering = await ServeHealthAsync(FreePort());
        var starting = FreePort();
        await PublishAsync("api-one", KnownResourceStates.Running, answering);
        await PublishAsync("api-two", KnownResourceStates.Running, starting);

        var ready = _readiness.WaitUntilEveryReplicaAnswersAsync([_api], CancellationToken.None);

        Assert.NotSame(ready, await Task.WhenAny(ready, Task.Delay(StillWaiting)));
        await ServeHealthAsync(starting);
        await ready.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Fewer_running_replicas_than_configured_hold_the_announcement_until_the_last_runs()
    {
        await PublishAsync("api-one", KnownResourceStates.Running, await ServeHealthAsync(FreePort()));
        var second = await ServeHealthAsync(FreePort());
        await PublishAsync("api-two", KnownResourceStates.Starting, second);

        var ready = _readiness.WaitUntilEveryReplicaAnswersAsync([_api], CancellationToken.None);

        Assert.NotSame(ready, await Task.WhenAny(ready, Task.Delay(StillWaiting)));
        await PublishAsync("api-two", KnownResourceStates.Running, second);
        await ready.WaitAsync(Deadline);
    }

    [Fact]
    public async Task Replicas_that_all_answer_are_ready_at_once()
    {
        await PublishAsync("api-one", KnownResourceStates.Running, await ServeHealthAsync(FreePort()));
        await PublishAsync("api-two", KnownResourceStates.Running, await ServeHealthAsync(FreePort()));

        await _readiness.WaitUntilEveryReplicaAnswersAsync([_api], CancellationToken.None).WaitAsync(Deadline);
    }

    [Fact]
    public async Task A_service_of_one_replica_is_not_asked_again_its_health_check_already_reached_it()
    {
        var single = new ProjectResource("openai-mock");
        await _notifications.PublishUpdateAsync(single, "openai-mock", snapshot => snapshot with
        {
            State = KnownResourceStates.Running,
            EnvironmentVariables = [new("ASPNETCORE_URLS", $"http://127.0.0.1:{FreePort()}", true)],
        });

        await _readiness.WaitUntilEveryReplicaAnswersAsync([single], CancellationToken.None).WaitAsync(Deadline);
    }

    [Fact]
    public void The_own_address_is_the_first_of_the_urls_the_replica_was_started_with()
    {
        var snapshot = new CustomResourceSnapshot
        {
            ResourceType = "Project",
            Properties = [],
            EnvironmentVariables = [new("ASPNETCORE_URLS", "http://localhost:40001;http://localhost:40002", true)],
        };

        Assert.Equal(new Uri("http://localhost:40001"), ReplicaReadiness.OwnAddress(new ResourceEvent(_api, "api-one", snapshot)));
        Assert.Null(ReplicaReadiness.OwnAddress(new ResourceEvent(_api, "api-one", snapshot with { EnvironmentVariables = [] })));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var server in _servers)
        {
            await server.DisposeAsync();
        }

        _notifications.Dispose();
    }

    private Task PublishAsync(string instance, string state, int port) =>
        _notifications.PublishUpdateAsync(_api, instance, snapshot => snapshot with
        {
            State = state,
            EnvironmentVariables = [new("ASPNETCORE_URLS", $"http://127.0.0.1:{port}", true)],
        });

    private async Task<int> ServeHealthAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        builder.Logging.ClearProviders();
        var server = builder.Build();
        server.MapGet("/health", () => Results.Text("Healthy"));
        await server.StartAsync();
        _servers.Add(server);
        return port;
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    private sealed class NoLifetime : IHostApplicationLifetime
    {
        public CancellationToken ApplicationStarted => CancellationToken.None;

        public CancellationToken ApplicationStopping => CancellationToken.None;

        public CancellationToken ApplicationStopped => CancellationToken.None;

        public void StopApplication()
        {
        }
    }
}
