using Deckard.Hosting.Health;
using Deckard.Hosting.Orchestration.Launchers;
using Deckard.Hosting.Processes;

namespace Deckard.Hosting.Orchestration;

/// <summary>
/// Keeps one replica running: prepare, start, probe health while it runs, restart with backoff when it dies on its
/// own, and stop it in order when asked. Its state changes are published as snapshots.
/// </summary>
internal sealed class ReplicaSupervisor(ReplicaContext replica, IResourceLauncher launcher, ResourceNotificationService notifications)
{
    private CancellationTokenSource _stopping = new();
    private Task _run = Task.CompletedTask;

    public ReplicaContext Replica => replica;

    public IResourceLauncher Launcher => launcher;

    /// <summary>Starts the replica, or starts it again after <see cref="StopAsync"/> (the dashboard's and tests' "start").</summary>
    public Task Start()
    {
        if (!_run.IsCompleted)
        {
            return _run;
        }

        if (_stopping.IsCancellationRequested)
        {
            _stopping.Dispose();
            _stopping = new CancellationTokenSource();
        }

        _run = Task.Run(RunAsync);
        return _run;
    }

    /// <summary>Stops the replica: its process gets its stop signal, then is killed after the stop timeout.</summary>
    public async Task StopAsync()
    {
        await _stopping.CancelAsync();
        await _run;
    }

    private async Task RunAsync()
    {
        var stopping = _stopping.Token;
        var consecutiveFailures = 0;
        var restarts = 0;
        while (!stopping.IsCancellationRequested)
        {
            Update(snapshot => snapshot with { State = ResourceState.Starting, Health = HealthStatus.Unknown, HealthDescription = null, ProcessId = null, ExitCode = null, Restarts = restarts });
            ProcessSpec? spec;
            SupervisedProcess? process = null;
            try
            {
                spec = await launcher.PrepareAsync(replica, stopping);
                if (spec is not null)
                {
                    process = await SupervisedProcess.StartAsync(
                        replica.Hosting.ProcessLauncher, spec, (line, isError) => replica.WriteLine(line, isError), stopping);
                }
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (Exception exception)
            {
                replica.WriteSystemLine($"Failed to start: {exception.Message}", isError: true);
                Update(snapshot => snapshot with { State = ResourceState.FailedToStart, HealthDescription = exception.Message });
                return;
            }

            if (spec is null)
            {
                // An external resource: nothing to run, only to probe.
                Update(snapshot => snapshot with { State = ResourceState.Running, StartedAt = replica.Hosting.TimeProvider.GetUtcNow() });
                await MonitorHealthAsync(stopping);
                break;
            }

            var startedAt = replica.Hosting.TimeProvider.GetUtcNow();
            replica.WriteSystemLine($"Started process {process!.ProcessId}: {Path.GetFileName(spec.FileName)} {string.Join(' ', spec.Arguments.Take(4))}");
            Update(snapshot => snapshot with { State = ResourceState.Running, ProcessId = process.ProcessId, StartedAt = startedAt });

            using var healthStopping = CancellationTokenSource.CreateLinkedTokenSource(stopping);
            var health = MonitorHealthAsync(healthStopping.Token);
            var exited = process.Exited;
            await Task.WhenAny(exited, Task.Delay(Timeout.Infinite, stopping));
            if (!exited.IsCompleted)
            {
                Update(snapshot => snapshot with { State = ResourceState.Stopping });
                replica.WriteSystemLine($"Stopping process {process.ProcessId}");
                await process.StopAsync(replica.Hosting.Options.StopTimeout);
            }

            var exitCode = await exited;
            await healthStopping.CancelAsync();
            await health;
            await process.DisposeAsync();

            var uptime = replica.Hosting.TimeProvider.GetUtcNow() - startedAt;
            Update(snapshot => snapshot with { State = ResourceState.Exited, Health = HealthStatus.Unknown, ExitCode = exitCode });
            if (stopping.IsCancellationRequested)
            {
                replica.WriteSystemLine($"Stopped (exit code {exitCode})");
                break;
            }

            consecutiveFailures = replica.Hosting.RestartPolicy.NextConsecutiveFailures(consecutiveFailures, uptime);
            var delay = replica.Hosting.RestartPolicy.DelayBeforeRestart(consecutiveFailures);
            replica.WriteSystemLine(
                $"Process {process.ProcessId} exited with code {exitCode} after {uptime.TotalSeconds:0.0} s; restarting in {delay.TotalSeconds:0.0} s",
                isError: true);
            try
            {
                await Task.Delay(delay, replica.Hosting.TimeProvider, stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }

            restarts++;
        }
    }

    /// <summary>Probes quickly until first healthy (start-up is what people wait for), then every few seconds.</summary>
    private async Task MonitorHealthAsync(CancellationToken cancellationToken)
    {
        await using var probe = launcher.CreateHealthProbe(replica);
        var everHealthy = false;
        while (!cancellationToken.IsCancellationRequested)
        {
            HealthProbeResult result;
            try
            {
                result = await probe.CheckAsync(cancellationToken);
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // The replica is stopping while a probe was in flight: not a failure of the stop.
                return;
            }

            if (cancellationToken.IsCancellationRequested)
            {
                return;
            }

            var health = result.IsHealthy ? HealthStatus.Healthy : HealthStatus.Unhealthy;
            var previous = notifications.Get(replica.Resource.Name).Replicas[replica.Index].Health;
            if (health != previous && (everHealthy || result.IsHealthy))
            {
                replica.WriteSystemLine(result.IsHealthy ? "Healthy" : $"Unhealthy: {result.Description}", isError: !result.IsHealthy);
            }

            Update(snapshot => snapshot.State == ResourceState.Running
                ? snapshot with { Health = health, HealthDescription = result.Description }
                : snapshot);
            everHealthy |= result.IsHealthy;

            var interval = result.IsHealthy ? TimeSpan.FromSeconds(2) : everHealthy ? TimeSpan.FromSeconds(1) : TimeSpan.FromMilliseconds(100);
            try
            {
                await Task.Delay(interval, replica.Hosting.TimeProvider, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Update(Func<ReplicaSnapshot, ReplicaSnapshot> update) =>
        notifications.Update(replica.Resource.Name, resource => resource.WithReplica(replica.Index, update));
}
