using Deckard.Hosting.ApplicationModel;
using Deckard.Hosting.Console;
using Deckard.Hosting.Orchestration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deckard.Hosting;

/// <summary>The running topology: start, stop, wait on resources, and reach them (Aspire's <c>DistributedApplication</c>).</summary>
public sealed class DeckardApplication : IAsyncDisposable
{
    private readonly DeckardAppBuilder _builder;
    private readonly IHost _host;
    private readonly Orchestrator _orchestrator;
    private bool _disposed;

    internal DeckardApplication(DeckardAppBuilder builder, IResourceLogSink? testLogSink)
    {
        _builder = builder;
        var hostBuilder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings
        {
            DisableDefaults = true,
            EnvironmentName = Environments.Development,
        });
        hostBuilder.Services.Configure<HostOptions>(options =>
            options.ShutdownTimeout = builder.Options.StopTimeout * 3 + TimeSpan.FromSeconds(10));
        hostBuilder.Services.AddSingleton(TimeProvider.System);
        hostBuilder.Services.AddSingleton(ResourceNotifications);
        hostBuilder.Services.AddSingleton(builder);

        IResourceLogSink? logSink = testLogSink;
        if (builder.IsIntercepted)
        {
            // The test owns start and stop; the test host's Ctrl+C and SIGTERM are not the application's.
            hostBuilder.Services.AddSingleton<IHostLifetime, ExternallyOwnedLifetime>();
        }
        else
        {
            hostBuilder.Logging.AddSimpleConsole(console =>
            {
                console.SingleLine = true;
                console.TimestampFormat = "HH:mm:ss ";
            });
            if (builder.Options.PrintResourceLogs)
            {
                logSink = new ConsoleResourceLogSink(builder.Resources.Select(resource => resource.Replicas > 1 ? resource.Name + "-xxxxxxxx" : resource.Name));
            }
        }

        hostBuilder.Services.AddSingleton(serviceProvider => new Orchestrator(
            builder, ResourceNotifications, logSink, serviceProvider.GetRequiredService<TimeProvider>(),
            serviceProvider.GetRequiredService<ILogger<Orchestrator>>()));
        hostBuilder.Services.AddHostedService(serviceProvider => serviceProvider.GetRequiredService<Orchestrator>());
        _host = hostBuilder.Build();
        _orchestrator = _host.Services.GetRequiredService<Orchestrator>();
    }

    public ResourceNotificationService ResourceNotifications { get; } = new();

    public AppHostOptions Options => _builder.Options;

    public IReadOnlyList<Resource> Resources => _builder.Resources;

    /// <summary>Runs until Ctrl+C or SIGTERM, then stops everything in reverse order. Under the testing entry point it returns at once.</summary>
    public void Run()
    {
        if (_builder.IsIntercepted)
        {
            return;
        }

        try
        {
            _host.Run();
        }
        catch (DeckardHostingException exception)
        {
            System.Console.Error.WriteLine(exception.Message);
            Environment.ExitCode = 1;
        }
    }

    public Task StartAsync(CancellationToken cancellationToken = default) => _host.StartAsync(cancellationToken);

    public Task StopAsync(CancellationToken cancellationToken = default) => _host.StopAsync(cancellationToken);

    /// <summary>Waits until every replica of every resource is running and healthy; throws if one failed to start.</summary>
    public Task WaitForAllHealthyAsync(CancellationToken cancellationToken = default) =>
        ResourceNotifications.WaitForAllHealthyAsync(cancellationToken);

    /// <summary>Stops a resource (all its replicas) without restarting it, until <see cref="StartResource"/>.</summary>
    public Task StopResourceAsync(string resourceName) => _orchestrator.StopResourceAsync(resourceName);

    /// <summary>Starts a resource stopped by <see cref="StopResourceAsync"/>, on the same ports.</summary>
    public void StartResource(string resourceName) => _orchestrator.StartResource(resourceName);

    /// <summary>A client whose base address is the resource's endpoint (the first replica's, or <paramref name="replica"/>'s).</summary>
    public HttpClient CreateHttpClient(string resourceName, int replica = 0) =>
        new() { BaseAddress = GetEndpoint(resourceName, replica) };

    public Uri GetEndpoint(string resourceName, int replica = 0)
    {
        var resource = Find(resourceName) as IResourceWithEndpoints
            ?? throw new InvalidOperationException($"Resource '{resourceName}' has no HTTP endpoint.");
        var urls = resource.GetEndpointUrls();
        return replica < urls.Count
            ? urls[replica]
            : throw new InvalidOperationException($"Resource '{resourceName}' has no endpoint for replica {replica}; has the application started?");
    }

    public string GetConnectionString(string resourceName) =>
        (Find(resourceName) as IResourceWithConnectionString)?.GetConnectionString()
        ?? throw new InvalidOperationException($"Resource '{resourceName}' has no connection string (yet).");

    /// <summary>The console output kept for a replica (its name, or the resource's name when it has one replica).</summary>
    public IReadOnlyList<ResourceLogLine> GetLogs(string replicaName) =>
        _orchestrator.Logs.TryGetValue(replicaName, out var buffer) ? buffer.Snapshot() : [];

    private Resource Find(string resourceName) =>
        _builder.Resources.FirstOrDefault(resource => resource.Name == resourceName)
        ?? throw new KeyNotFoundException($"No resource named '{resourceName}'.");

    public async ValueTask DisposeAsync()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        try
        {
            await _host.StopAsync();
        }
        finally
        {
            // Disposing the host disposes the orchestrator, whose launcher thread ends only now that every child has stopped.
            _host.Dispose();
            if (_builder.Options.DeleteStateOnDispose)
            {
                await DeleteStateDirectoryAsync(_builder.Options.StateDirectory);
            }
        }
    }

    /// <summary>
    /// Best effort: a child's last writes (PostgreSQL's exiting background processes) can race the delete, so it is
    /// retried briefly; a folder that still resists is left in the temporary directory rather than failing disposal.
    /// </summary>
    private static async Task DeleteStateDirectoryAsync(string directory)
    {
        for (var attempt = 1; Directory.Exists(directory); attempt++)
        {
            try
            {
                Directory.Delete(directory, recursive: true);
            }
            catch (IOException) when (attempt < 10)
            {
                await Task.Delay(100);
            }
            catch (IOException)
            {
                return;
            }
        }
    }

    private sealed class ExternallyOwnedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }
}
