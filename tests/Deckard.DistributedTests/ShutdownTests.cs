using System.Diagnostics;
using Deckard.DistributedTests.Infrastructure;
using Deckard.Hosting;
using Deckard.Hosting.Testing;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>Nothing outlives the AppHost: not after disposal, not after Ctrl+C, not even when the AppHost is killed.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);

    [Fact]
    public async Task Disposing_the_application_leaves_no_postgres_redis_or_deckard_process_running()
    {
        var logs = new TestOutputLogSink(null);
        logs.Attach(output);
        var app = await DeckardTestingBuilder.StartAsync<Program>(new DeckardTestingOptions { LogSink = logs });
        var stateDirectory = app.Options.StateDirectory;
        var pids = app.ResourceNotifications.All
            .SelectMany(resource => resource.Replicas)
            .Select(replica => replica.ProcessId!.Value)
            .ToList();
        var postgresBackends = ProcessTable.Descendants(app.ResourceNotifications.Get("postgres").Replicas[0].ProcessId!.Value);
        Assert.Equal(7, pids.Count);
        Assert.NotEmpty(postgresBackends);

        await app.DisposeAsync();

        Assert.All(pids.Concat(postgresBackends), pid => Assert.False(ProcessTable.IsAlive(pid), $"process {pid} survived"));
        Assert.Empty(ProcessTable.WithCommandLineContaining(stateDirectory));
        Assert.False(Directory.Exists(stateDirectory));
    }

    [Fact]
    public async Task Ctrl_c_stops_everything_dependents_first_and_leaves_nothing_running()
    {
        await using var appHost = await AppHostProcess.StartAsync(output);
        var children = ProcessTable.Descendants(appHost.ProcessId);
        Assert.True(children.Count >= 7, $"expected at least 7 child processes, found {children.Count}");

        appHost.Signal(2); // SIGINT, what a terminal sends on Ctrl+C

        Assert.Equal(0, await appHost.WaitForExitAsync(Deadline));
        Assert.True(await ProcessTable.WaitUntilAllGoneAsync(children, TimeSpan.FromSeconds(5)), "child processes survived Ctrl+C");
        var stopped = appHost.Output.ToList();
        var workersStopped = stopped.FindLastIndex(line => line.StartsWith("workers-", StringComparison.Ordinal) && line.Contains("| Stopped", StringComparison.Ordinal));
        var apiStopped = stopped.FindIndex(line => line.StartsWith("api ", StringComparison.Ordinal) && line.Contains("| Stopped", StringComparison.Ordinal));
        var postgresStopping = stopped.FindIndex(line => line.StartsWith("postgres ", StringComparison.Ordinal) && line.Contains("| Stopping", StringComparison.Ordinal));
        Assert.True(workersStopped >= 0 && apiStopped > workersStopped && postgresStopping > apiStopped,
            $"stop order: workers {workersStopped}, api {apiStopped}, postgres {postgresStopping}");
        Assert.Contains(stopped, line => line.Contains("All resources stopped", StringComparison.Ordinal));
    }

    [Fact]
    public async Task An_apphost_killed_with_sigkill_takes_every_child_process_with_it()
    {
        await using var appHost = await AppHostProcess.StartAsync(output);
        var children = ProcessTable.Descendants(appHost.ProcessId);
        Assert.True(children.Count >= 7, $"expected at least 7 child processes, found {children.Count}");

        appHost.Signal(9);

        Assert.True(await ProcessTable.WaitUntilAllGoneAsync(children, TimeSpan.FromSeconds(10)),
            $"survivors: {string.Join(", ", children.Where(ProcessTable.IsAlive))}");
        Assert.Empty(ProcessTable.WithCommandLineContaining(appHost.StateDirectory));
    }

    [Fact]
    public async Task A_missing_postgresql_installation_is_reported_with_the_command_that_installs_it()
    {
        await using var app = await DeckardTestingBuilder.BuildAsync<Program>(new DeckardTestingOptions
        {
            Configuration = { ["Postgres:BinDirectory"] = "/nonexistent/postgresql/bin" },
        });

        var error = await Assert.ThrowsAsync<DeckardHostingException>(() => app.StartAsync());

        Assert.Contains("PostgreSQL server binaries", error.Message, StringComparison.Ordinal);
        Assert.Contains("sudo apt-get install -y postgresql", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(app.ResourceNotifications.All.SelectMany(resource => resource.Replicas), replica => replica.ProcessId is not null);
    }
}
