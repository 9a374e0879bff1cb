using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Console;
using Deckard.Hosting.Infrastructure;
using Deckard.Hosting.Networking;
using Deckard.Hosting.Orchestration.Launchers;
using Deckard.Hosting.Processes;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deckard.Hosting.Orchestration;

/// <summary>
/// Runs the topology: checks prerequisites, allocates ports, starts each resource once everything it waits for is
/// healthy, supervises every replica, and on stop takes them down in reverse order.
/// </summary>
internal sealed partial class Orchestrator : IHostedService, IAsyncDisposable
{
    private readonly IReadOnlyList<Resource> _resources;
    private readonly AppHostOptions _options;
    private readonly ResourceNotificationService _notifications;
    private readonly ILogger<Orchestrator> _logger;
    private readonly HostingContext _hosting;
    private readonly PortAllocator _ports = new();
    private readonly Dictionary<Resource, List<ReplicaSupervisor>> _supervisors = [];
    private readonly Dictionary<string, ResourceLogBuffer> _logs = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopping = new();
    private Task _running = Task.CompletedTask;
    private int _disposed;

    public Orchestrator(
        DeckardAppBuilder builder,
        ResourceNotificationService notifications,
        IResourceLogSink? logSink,
        TimeProvider timeProvider,
        ILogger<Orchestrator> logger)
    {
        _resources = builder.Resources;
        _options = builder.Options;
        _notifications = notifications;
        _logger = logger;
        _hosting = new HostingContext(_options, builder.Configuration, new ProcessLauncher(), timeProvider, HostingContext.CurrentEnvironment())
        {
            LogSink = logSink,
        };
    }

    public IReadOnlyDictionary<string, ResourceLogBuffer> Logs => _logs;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        var startOrder = ResourceGraph.StartOrder(_resources);
        var postgres = PostgresBinaries.Locate(_hosting.Configuration["Postgres:BinDirectory"]);
        var redisServer = ProcessLauncher.FindOnPath("redis-server");
        var dotnetHost = ProjectLauncher.FindDotnetHost(_hosting.InheritedEnvironment);
        Prerequisites.Verify(_resources, dotnetHost, postgres, redisServer);
        if (_hosting.ProcessLauncher.SetPriv is null)
        {
            LogNoParentDeathSignal(_logger);
        }

        AllocatePorts();
        foreach (var resource in startOrder)
        {
            IResourceLauncher launcher = resource switch
            {
                PostgresServerResource server => new PostgresLauncher(server, postgres),
                RedisResource redis => new RedisLauncher(redis, redisServer),
                ProjectResource project => new ProjectLauncher(project, dotnetHost!),
                _ => throw new NotSupportedException($"No launcher for {resource}."),
            };
            _supervisors[resource] = CreateSupervisors(resource, launcher);
        }

        _running = Task.Run(() => RunAsync(startOrder, _stopping.Token), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _stopping.CancelAsync();
        foreach (var resource in ResourceGraph.StopOrder(_resources))
        {
            if (_supervisors.TryGetValue(resource, out var supervisors))
            {
                await Task.WhenAll(supervisors.Select(supervisor => supervisor.StopAsync()));
            }
        }

        await _running;
        LogStopped(_logger);
    }

    /// <summary>Stops every replica of one resource and keeps it stopped (Aspire's <c>resource-stop</c> command).</summary>
    public async Task StopResourceAsync(string resourceName)
    {
        await Task.WhenAll(SupervisorsOf(resourceName).Select(supervisor => supervisor.StopAsync()));
    }

    /// <summary>Starts a stopped resource again on the same ports (Aspire's <c>resource-start</c> command).</summary>
    public void StartResource(string resourceName)
    {
        foreach (var supervisor in SupervisorsOf(resourceName))
        {
            _ = supervisor.Start();
        }
    }

    private List<ReplicaSupervisor> SupervisorsOf(string resourceName) =>
        _supervisors.FirstOrDefault(pair => pair.Key.Name == resourceName).Value
        ?? throw new KeyNotFoundException($"No resource named '{resourceName}'.");

    private void AllocatePorts()
    {
        foreach (var resource in _resources)
        {
            IEnumerable<ApplicationModel.Endpoint> endpoints = resource switch
            {
                ProjectResource project => project.Endpoints,
                LocalServerResource { IsExternal: false } server => [server.Endpoint],
                _ => [],
            };
            foreach (var endpoint in endpoints)
            {
                endpoint.Port = endpoint.FixedPort is { } fixedPort
                    ? _ports.Reserve(fixedPort, resource.Name, endpoint.PortSetting)
                    : _ports.AllocateFree();
            }
        }
    }

    private List<ReplicaSupervisor> CreateSupervisors(Resource resource, IResourceLauncher launcher)
    {
        var replicas = new List<ReplicaContext>();
        for (var index = 0; index < resource.Replicas; index++)
        {
            var instanceId = ReplicaNames.NewInstanceId();
            var name = resource.Replicas == 1 ? resource.Name : $"{resource.Name}-{instanceId}";
            var log = new ResourceLogBuffer(_options.LogBufferLines);
            _logs[name] = log;
            replicas.Add(new ReplicaContext(resource, index, name, instanceId, _hosting, log));
        }

        var isExternal = resource is LocalServerResource { IsExternal: true };
        _notifications.Publish(new ResourceSnapshot(
            resource.Name,
            resource.Type,
            replicas.Select(replica => new ReplicaSnapshot(
                replica.Name, replica.InstanceId, ResourceState.NotStarted, HealthStatus.Unknown, null, null, null, 0, null,
                resource is ProjectResource project ? project.Endpoints[replica.Index].Url : null)).ToList(),
            isExternal));
        return replicas.Select(replica => new ReplicaSupervisor(replica, launcher, _notifications)).ToList();
    }

    private async Task RunAsync(IReadOnlyList<Resource> startOrder, CancellationToken stopping)
    {
        var running = startOrder.Select(resource => RunResourceAsync(resource, stopping)).ToList();
        if (_options.PrintSummary)
        {
            running.Add(PrintSummaryWhenHealthyAsync(stopping));
        }

        await Task.WhenAll(running);
    }

    private async Task RunResourceAsync(Resource resource, CancellationToken stopping)
    {
        var supervisors = _supervisors[resource];
        try
        {
            foreach (var dependency in resource.WaitsFor)
            {
                if (!_notifications.Get(dependency.Name).IsHealthy)
                {
                    foreach (var supervisor in supervisors)
                    {
                        supervisor.Replica.WriteSystemLine($"Waiting for resource '{dependency.Name}' to become healthy.");
                    }

                    _notifications.Update(resource.Name, snapshot => snapshot with
                    {
                        Replicas = snapshot.Replicas.Select(replica => replica with { State = ResourceState.Waiting }).ToList(),
                    });
                    await _notifications.WaitForResourceHealthyAsync(dependency.Name, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            return;
        }

        await Task.WhenAll(supervisors.Select(supervisor => supervisor.Start()));
    }

    private async Task PrintSummaryWhenHealthyAsync(CancellationToken stopping)
    {
        try
        {
            await _notifications.WaitForAllHealthyAsync(stopping);
            ConsoleSummary.Write(System.Console.Out, _notifications.All, _supervisors.Values.SelectMany(s => s).ToList(), _options);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before everything was healthy.
        }
        catch (DeckardHostingException exception)
        {
            ConsoleSummary.Write(System.Console.Out, _notifications.All, _supervisors.Values.SelectMany(s => s).ToList(), _options);
            LogStartFailed(_logger, exception.Message);
        }
    }

    public ValueTask DisposeAsync()
    {
        // The container disposes this instance twice: as the singleton and as the hosted service resolved from it.
        if (Interlocked.Exchange(ref _disposed, 1) == 1)
        {
            return ValueTask.CompletedTask;
        }

        // Disposed without a stop (a crashed host): ending the launcher thread has the kernel kill every child.
        _stopping.Cancel();
        _hosting.ProcessLauncher.Dispose();
        _hosting.HealthClient.Dispose();
        _stopping.Dispose();
        return ValueTask.CompletedTask;
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "setpriv (util-linux) not found: child processes will outlive the AppHost if it is killed with SIGKILL. Install it: sudo apt-get install -y util-linux")]
    private static partial void LogNoParentDeathSignal(ILogger logger);

    [LoggerMessage(Level = LogLevel.Information, Message = "All resources stopped")]
    private static partial void LogStopped(ILogger logger);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Reason}")]
    private static partial void LogStartFailed(ILogger logger, string reason);
}
