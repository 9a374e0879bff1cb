using System.Collections.Concurrent;
using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Deckard.AppHost.Resources;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>
/// The AppHost's unchanged topology started through Aspire.Hosting.Testing, with a fresh state folder, random ports,
/// every resource's log in the test output, and the handles tests need: clients, connection strings, replicas and
/// their processes, stop and start.
/// </summary>
public sealed class DeckardTestApp : IAsyncDisposable
{
    public static readonly TimeSpan StartDeadline = TimeSpan.FromMinutes(3);

    /// <summary>The AppHost setting that includes the web app's dev server; <c>"true"</c> in <c>settings</c> turns it on.</summary>
    public const string WebAppSetting = "AppHost:WebApp";

    private readonly ConcurrentDictionary<string, ResourceEvent> _states = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Task> _logs = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, int> _lastLogLine = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stopWatching = new();
    private Task _watching = Task.CompletedTask;

    private static readonly HttpClient Probe = new() { Timeout = TimeSpan.FromSeconds(2) };

    private DeckardTestApp(DistributedApplication app, string stateDirectory, TestLogs logs, string developmentApiKey)
    {
        App = app;
        StateDirectory = stateDirectory;
        Logs = logs;
        DevelopmentApiKey = developmentApiKey;
    }

    /// <summary>A key of this run's own (through <c>DECKARD_DEV_API_KEY</c>): the api takes it as the development principal.</summary>
    public string DevelopmentApiKey { get; }

    public DistributedApplication App { get; }

    public string StateDirectory { get; }

    public TestLogs Logs { get; }

    /// <summary>
    /// Builds the app (AppHost settings in <paramref name="settings"/>, resources adjustable in <paramref name="configure"/>),
    /// starts it, and waits until every resource is healthy.
    /// </summary>
    public static async Task<DeckardTestApp> StartAsync(
        TestLogs logs,
        IReadOnlyDictionary<string, string>? settings = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        bool dashboard = false,
        bool waitForHealthy = true)
    {
        var app = await BuildAsync(logs, settings, configure, dashboard);
        try
        {
            await app.App.StartAsync().WaitAsync(StartDeadline);
            app._watching = app.WatchAsync(app._stopWatching.Token);
            if (waitForHealthy)
            {
                await app.WaitForAllHealthyAsync().WaitAsync(StartDeadline);
            }
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return app;
    }

    public static async Task<DeckardTestApp> BuildAsync(
        TestLogs logs,
        IReadOnlyDictionary<string, string>? settings = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        bool dashboard = false)
    {
        var state = CreateStateFolder();
        var developmentApiKey = $"test-key-{Guid.NewGuid():N}";
        // The web app's dev server only where a test asks for it (the browser tests): the rest test the services.
        var effective = new Dictionary<string, string> { [WebAppSetting] = "false" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string>())
        {
            effective[key] = value;
        }

        string[] args = [$"--AppHost:StateDirectory={state}", $"--DECKARD_DEV_API_KEY={developmentApiKey}", .. effective.Select(pair => $"--{pair.Key}={pair.Value}")];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Deckard_AppHost>(args, (options, _) =>
        {
            options.DisableDashboard = !dashboard;
            // This fixture forwards resource logs itself: Aspire's forwarder stops following an instance once it has
            // stopped, so a restarted replica's lines would be lost.
            options.EnableResourceLogging = false;
        });
        builder.Services.AddLogging(logging => logging.AddProvider(logs));
        if (!dashboard)
        {
            // Without a dashboard nothing receives telemetry, yet the testing builder still points the services at
            // localhost:4317: their exporters would retry in memory and hold up every stop for the export timeout (10 s).
            foreach (var project in builder.Resources.OfType<ProjectResource>().ToList())
            {
                builder.CreateResourceBuilder(project).WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
            }
        }

        configure?.Invoke(builder);
        return new DeckardTestApp(await builder.BuildAsync(), state, logs, developmentApiKey);
    }

    /// <summary>
    /// A state folder others can traverse (a temporary folder is private to its owner): when the tests run as root,
    /// PostgreSQL runs as the 'postgres' account and keeps its cluster inside it.
    /// </summary>
    public static string CreateStateFolder()
    {
        var state = Directory.CreateTempSubdirectory("deckard-test-").FullName;
        File.SetUnixFileMode(state, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute
            | UnixFileMode.GroupRead | UnixFileMode.GroupExecute | UnixFileMode.OtherRead | UnixFileMode.OtherExecute);
        return state;
    }

    /// <summary>A client of the resource; the api's carries the development key, as a developer's script would.</summary>
    public HttpClient CreateHttpClient(string resourceName)
    {
        var client = App.CreateHttpClient(resourceName, "http");
        if (resourceName == "api")
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", DevelopmentApiKey);
        }

        return client;
    }

    /// <summary>A client of the api with no credentials, or with <paramref name="bearer"/>.</summary>
    public HttpClient CreateApiClient(string? bearer)
    {
        var client = App.CreateHttpClient("api", "http");
        if (bearer is not null)
        {
            client.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", bearer);
        }

        return client;
    }

    public Uri GetEndpoint(string resourceName) => App.GetEndpoint(resourceName, "http");

    public async Task<string> ConnectionStringAsync(string resourceName) =>
        await App.GetConnectionStringAsync(resourceName) ?? throw new InvalidOperationException($"'{resourceName}' has no connection string.");

    /// <summary>The latest state of each instance (replica) of <paramref name="resourceName"/>, by instance id.</summary>
    public IReadOnlyList<ResourceEvent> Instances(string resourceName) =>
        [.. _states.Values.Where(state => state.Resource.Name == resourceName).OrderBy(state => state.ResourceId, StringComparer.Ordinal)];

    /// <summary>Every resource that runs something (not parameters nor connection strings given as they are).</summary>
    /// <remarks>A one-shot step that finished its work (the web app's <c>npm ci</c> on a fresh clone) runs nothing any more.</remarks>
    public IReadOnlyList<ResourceEvent> RunningResources() =>
        [.. _states.Values.Where(state => state.Snapshot.ResourceType is not ("Parameter" or "ConnectionString") && !IsHidden(state) && !IsCompletedStep(state))
            .OrderBy(state => state.ResourceId, StringComparer.Ordinal)];

    /// <summary>Every instance that runs a process of its own (the database and connection strings run none).</summary>
    public IReadOnlyList<ResourceEvent> Processes() =>
        [.. RunningResources().Where(state => state.Snapshot.Properties.Any(property => property.Name == "executable.pid"))];

    /// <summary>The process the instance runs: the service itself for a project (under <c>dotnet run</c> when Aspire starts it its own way).</summary>
    public static int ServiceProcessId(ResourceEvent instance) =>
        FindServiceProcess(instance) ?? throw new InvalidOperationException($"{instance.ResourceId} runs no process now.");

    /// <summary>As <see cref="ServiceProcessId"/>, or null while the instance has none (exited, or starting again).</summary>
    public static int? FindServiceProcess(ResourceEvent instance)
    {
        var property = instance.Snapshot.Properties.SingleOrDefault(property => property.Name == "executable.pid")?.Value;
        if (property is null)
        {
            return null;
        }

        var pid = Convert.ToInt32(property, CultureInfo.InvariantCulture);
        if (instance.Snapshot.ResourceType != "Project")
        {
            return ProcessTable.IsAlive(pid) ? pid : null;
        }

        var assembly = instance.Resource.Name switch
        {
            "api" => "Deckard.Api",
            "workers" => "Deckard.Workers",
            "openai-mock" => "Deckard.OpenAIMock",
            "runpod-mock" => "Deckard.RunPodMock",
            var other => other,
        };
        return ProcessTable.Descendants(pid).Prepend(pid)
            .Where(candidate => ProcessTable.CommandLine(candidate) is var line
                && line.Contains($"/{assembly}", StringComparison.Ordinal) && !line.Contains("dotnet run", StringComparison.Ordinal))
            .Select(candidate => (int?)candidate)
            .FirstOrDefault();
    }

    public async Task StopResourceAsync(string resourceName)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName), KnownResourceCommands.StopCommand);
        Assert.True(result.Success, result.Message);
    }

    public async Task StartResourceAsync(string resourceName)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName), KnownResourceCommands.StartCommand);
        Assert.True(result.Success, result.Message);
    }

    public async Task ExecuteCommandAsync(string resourceName, string command)
    {
        var result = await App.ResourceCommands.ExecuteCommandAsync(resourceName, command);
        Assert.True(result.Success, $"{command} on {resourceName}: {result.Message}");
    }

    /// <summary>
    /// Waits until every instance of every resource that runs something is Running and Healthy, and every service instance
    /// answers on its own address.
    /// </summary>
    public async Task WaitForAllHealthyAsync(TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? StartDeadline);
        while (RunningResources() is var resources && (resources.Count == 0 || !resources.All(IsHealthy) || !await AllAnswerAsync(resources, timeout.Token)))
        {
            try
            {
                await Task.Delay(100, timeout.Token);
            }
            catch (OperationCanceledException)
            {
                var unhealthy = RunningResources().Where(state => !IsHealthy(state)).Select(state => $"{state.ResourceId} {state.Snapshot.State?.Text} {state.Snapshot.HealthStatus}");
                var silent = RunningResources().Where(state => IsHealthy(state) && OwnAddress(state) is not null).Select(state => $"{state.ResourceId} at {OwnAddress(state)}");
                throw new TimeoutException($"Not healthy in time: {string.Join(", ", unhealthy)}; healthy but not answering on their own address: {string.Join(", ", silent)}");
            }
        }
    }

    /// <summary>
    /// Waits until every instance of <paramref name="resourceName"/> is Running and Healthy and answers on its own address,
    /// and returns them.
    /// </summary>
    public async Task<IReadOnlyList<ResourceEvent>> WaitForHealthyAsync(string resourceName, Func<IReadOnlyList<ResourceEvent>, bool>? also = null, TimeSpan? deadline = null)
    {
        using var timeout = new CancellationTokenSource(deadline ?? TimeSpan.FromSeconds(90));
        while (true)
        {
            var instances = Instances(resourceName);
            if (instances.Count > 0 && instances.All(IsHealthy) && (also?.Invoke(instances) ?? true) && await AllAnswerAsync(instances, timeout.Token))
            {
                return instances;
            }

            await Task.Delay(100, timeout.Token);
        }
    }

    /// <summary>Where a service instance listens itself (not its proxy); null for what is not a service.</summary>
    public static Uri? OwnAddress(ResourceEvent instance) =>
        instance.Snapshot.ResourceType == "Project" ? ReplicaReadiness.OwnAddress(instance) : null;

    /// <summary>
    /// Whether every service instance among <paramref name="instances"/> answers on its own address: Aspire checks a
    /// replicated service's health through the proxy its replicas share, so one replica that answers marks them all Healthy.
    /// </summary>
    private static Task<bool> AllAnswerAsync(IReadOnlyList<ResourceEvent> instances, CancellationToken cancellationToken) =>
        ReplicaReadiness.AllAnswerAsync(Probe, instances.Select(OwnAddress).OfType<Uri>(), cancellationToken);

    public static bool IsHealthy(ResourceEvent state) =>
        state.Snapshot.State?.Text == KnownResourceStates.Running && state.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy;

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await _watching;
        await Task.WhenAll(_logs.Values);
        await App.DisposeAsync();
        _stopWatching.Dispose();
        if (Directory.Exists(StateDirectory))
        {
            Directory.Delete(StateDirectory, recursive: true);
        }
    }

    private static bool IsCompletedStep(ResourceEvent state) =>
        state.Snapshot.State?.Text == KnownResourceStates.Finished && state.Snapshot.ExitCode == 0 && state.Resource.Name == Deckard.AppHost.Resources.WebAppResourceExtensions.InstallResourceName;

    private static bool IsHidden(ResourceEvent state) => state.Snapshot.IsHidden || state.Resource.Name.EndsWith("-rebuilder", StringComparison.Ordinal);

    /// <summary>An instance's console, line by line into <see cref="Logs"/>; after a restart the backlog is replayed, so lines already seen are skipped.</summary>
    private async Task FollowLogsAsync(string resourceName, string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var batch in App.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resourceId).WithCancellation(cancellationToken))
            {
                foreach (var line in batch)
                {
                    if (line.LineNumber > _lastLogLine.GetValueOrDefault(resourceId))
                    {
                        _lastLogLine[resourceId] = line.LineNumber;
                        Logs.WriteResourceLine(resourceName, line.Content, line.IsErrorMessage);
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
            {
                _states[update.ResourceId] = update;
                if (!_logs.TryGetValue(update.ResourceId, out var following) || following.IsCompleted)
                {
                    _logs[update.ResourceId] = FollowLogsAsync(update.Resource.Name, update.ResourceId, cancellationToken);
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }
}
