using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>Nothing outlives the AppHost: not after disposal, not after Ctrl+C, not even when the AppHost is killed.</summary>
public sealed class ShutdownTests(ITestOutputHelper output)
{
    /// <summary>DCP stops what it runs with SIGTERM and kills what is still there 10 s later.</summary>
    private static readonly TimeSpan StopDeadline = TimeSpan.FromSeconds(30);

    [Fact]
    public async Task Disposing_the_application_leaves_no_postgres_redis_or_deckard_process_running()
    {
        var logs = new TestLogs(null);
        logs.Attach(output);
        var app = await DeckardTestApp.StartAsync(logs);
        var stateDirectory = app.StateDirectory;
        var services = app.Processes().Select(DeckardTestApp.ServiceProcessId).ToList();
        var everything = services.Concat(services.SelectMany(ProcessTable.Descendants)).Distinct().ToList();
        var postgresBackends = ProcessTable.Descendants(DeckardTestApp.ServiceProcessId(Assert.Single(app.Instances("postgres"))));
        Assert.Equal(7, services.Count);
        Assert.NotEmpty(postgresBackends);

        await app.DisposeAsync();

        Assert.True(await ProcessTable.WaitUntilAllGoneAsync(everything.Concat(postgresBackends), StopDeadline),
            $"survivors: {string.Join(", ", everything.Concat(postgresBackends).Where(ProcessTable.IsAlive).Select(ProcessTable.CommandLine))}");
        Assert.Empty(ProcessTable.WithCommandLineContaining(stateDirectory));
        Assert.False(Directory.Exists(stateDirectory));
    }

    [Fact]
    public async Task A_port_already_taken_stops_the_apphost_with_the_fix_and_no_stack_trace()
    {
        using var holder = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        holder.Start();
        var taken = ((System.Net.IPEndPoint)holder.LocalEndpoint).Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var appHost = AppHostProcess.Launch(output, new Dictionary<string, string>
        {
            ["DcpPublisher__RandomizePorts"] = "false",
            ["Resources__api__Port"] = taken,
            ["Resources__openai-mock__Port"] = taken,
            ["Resources__runpod-mock__Port"] = taken,
            ["Resources__web__Port"] = taken,
        });

        Assert.Equal(1, await appHost.WaitForExitAsync(StopDeadline));
        Assert.Contains(appHost.Output, line => line.Contains($"Port {taken} for '", StringComparison.Ordinal) && line.Contains("is already in use", StringComparison.Ordinal));
        Assert.DoesNotContain(appHost.Output, line => line.Contains("Unhandled exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Ctrl_c_stops_everything_and_leaves_nothing_running()
    {
        await using var appHost = await AppHostProcess.StartAsync(output);
        var children = ProcessTable.Descendants(appHost.ProcessId);
        Assert.Contains(appHost.Output, line => line.Contains("Login to the dashboard at", StringComparison.Ordinal));
        Assert.Contains(appHost.Output, line => line.Contains("PostgreSQL and Redis run as local processes", StringComparison.Ordinal));

        appHost.Signal(2); // SIGINT, what a terminal sends on Ctrl+C

        Assert.Equal(0, await appHost.WaitForExitAsync(StopDeadline));
        var survivors = ProcessTable.WithCommandLineContaining(appHost.StateDirectory).Concat(children).ToList();
        Assert.True(await ProcessTable.WaitUntilAllGoneAsync(survivors, StopDeadline),
            $"survivors of Ctrl+C: {string.Join(", ", survivors.Where(ProcessTable.IsAlive).Select(ProcessTable.CommandLine))}");
    }

    [Fact]
    public async Task An_apphost_killed_with_sigkill_takes_every_process_it_started_with_it()
    {
        await using var appHost = await AppHostProcess.StartAsync(output);
        // DCP runs detached from the AppHost (it watches the AppHost's process and cleans up when it dies), so the
        // processes it started are found by the state folder on their command line and by their names.
        var started = ProcessTable.WithCommandLineContaining(appHost.StateDirectory);
        Assert.NotEmpty(started);

        appHost.Signal(9);

        Assert.True(await ProcessTable.WaitUntilAllGoneAsync(started, StopDeadline),
            $"survivors: {string.Join(", ", started.Where(ProcessTable.IsAlive).Select(ProcessTable.CommandLine))}");
        Assert.Empty(ProcessTable.WithCommandLineContaining(appHost.StateDirectory));
    }

    [Fact]
    public async Task A_missing_postgresql_installation_is_reported_with_the_command_that_installs_it()
    {
        var logs = new TestLogs(null);
        logs.Attach(output);
        await using var app = await DeckardTestApp.StartAsync(
            logs, new Dictionary<string, string> { ["Postgres:BinDirectory"] = "/nonexistent/postgresql/bin" }, waitForHealthy: false);

        var postgres = await app.App.ResourceNotifications.WaitForResourceAsync(
            "postgres", update => update.Snapshot.State?.Text is "FailedToStart" or "Exited" or "Finished").WaitAsync(TimeSpan.FromSeconds(60));

        Assert.Equal("FailedToStart", postgres.Snapshot.State?.Text);
        Assert.Contains(logs.Of("postgres"), line => line.Contains("PostgreSQL server binaries not found", StringComparison.Ordinal)
            && line.Contains("sudo apt-get install -y postgresql", StringComparison.Ordinal));
        Assert.All(app.Instances("api"), api => Assert.NotEqual("Running", api.Snapshot.State?.Text));
    }
}
