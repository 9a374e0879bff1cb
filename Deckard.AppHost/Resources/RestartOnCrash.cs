using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Deckard.AppHost.Resources;

/// <summary>Marks a resource whose processes are started again when they exit on their own.</summary>
public sealed class RestartOnCrashAnnotation : IResourceAnnotation;

public static class RestartOnCrashExtensions
{
    /// <summary>
    /// A process of this resource (each replica on its own) that exits without being asked to (a crash, an OOM kill) is
    /// started again after an exponential backoff (0.5 s, 1 s, 2 s ... capped at 30 s; reset after a minute of uptime).
    /// Aspire has no restart policy for executables and projects; a stop from the dashboard or a command is respected.
    /// </summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder)
        where T : IResource
    {
        builder.ApplicationBuilder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IHostedService, CrashRestarter>());
        return builder.WithAnnotation(new RestartOnCrashAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }
}

/// <summary>Watches every resource's state; restarts the annotated ones that went from running to exited without a stop.</summary>
internal sealed class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    ResourceLoggerService resourceLogs,
    TimeProvider time) : BackgroundService
{
    private static readonly TimeSpan FirstDelay = TimeSpan.FromMilliseconds(500);
    private static readonly TimeSpan MaxDelay = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan StableUptime = TimeSpan.FromMinutes(1);

    private readonly Dictionary<string, ReplicaHistory> _replicas = new(StringComparer.Ordinal);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (!update.Resource.HasAnnotationOfType<RestartOnCrashAnnotation>() || update.Snapshot.State?.Text is not { } state)
                {
                    continue;
                }

                var history = _replicas.TryGetValue(update.ResourceId, out var known) ? known : _replicas[update.ResourceId] = new ReplicaHistory();
                var previous = history.State;
                history.State = state;
                if (state == KnownResourceStates.Running && previous != KnownResourceStates.Running)
                {
                    history.RunningSince = time.GetUtcNow();
                }

                if (CrashRestartPolicy.IsCrash(previous, state))
                {
                    var delay = history.NextDelay(time.GetUtcNow());
                    var log = resourceLogs.GetLogger(update.ResourceId);
                    log.LogWarning("Exited on its own (exit code {ExitCode}); restarting in {Delay} s.", update.Snapshot.ExitCode, delay.TotalSeconds);
                    _ = RestartAsync(update.ResourceId, delay, log, stoppingToken);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
            // The AppHost is stopping: nothing is restarted any more.
        }
    }

    private async Task RestartAsync(string resourceId, TimeSpan delay, ILogger log, CancellationToken stoppingToken)
    {
        try
        {
            await Task.Delay(delay, time, stoppingToken);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stoppingToken);
            if (!result.Success)
            {
                log.LogError("Could not restart: {Message}", result.Message);
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private sealed class ReplicaHistory
    {
        private int _restarts;

        public string? State { get; set; }

        public DateTimeOffset RunningSince { get; set; }

        public TimeSpan NextDelay(DateTimeOffset now)
        {
            if (now - RunningSince >= StableUptime)
            {
                _restarts = 0;
            }

            return CrashRestartPolicy.Delay(_restarts++, FirstDelay, MaxDelay);
        }
    }
}

/// <summary>The two decisions of <see cref="CrashRestarter"/>, apart so they can be tested on their own.</summary>
public static class CrashRestartPolicy
{
    /// <summary>Running (or starting) to exited, with no Stopping in between: nobody asked it to stop.</summary>
    public static bool IsCrash(string? previous, string current) =>
        previous is not null
        && previous != KnownResourceStates.Stopping
        && !KnownResourceStates.TerminalStates.Contains(previous)
        && (current == KnownResourceStates.Exited || current == KnownResourceStates.Finished);

    public static TimeSpan Delay(int restartsSoFar, TimeSpan first, TimeSpan max) =>
        TimeSpan.FromTicks(Math.Min(max.Ticks, first.Ticks << Math.Min(restartsSoFar, 16)));
}
