using System.Net;
using System.Text.Json;
using Deckard.DistributedTests.Infrastructure;
using Deckard.Hosting.Orchestration;
using Deckard.Hosting.Testing;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>The topology the AppHost declares, running for real: local PostgreSQL and Redis, the api, two workers, the RunPod mock.</summary>
public sealed class TopologyTests : IClassFixture<TopologyFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly TopologyFixture _topology;

    public TopologyTests(TopologyFixture topology, ITestOutputHelper output)
    {
        _topology = topology;
        topology.Logs.Attach(output);
    }

    [Fact]
    public async Task Api_is_healthy_because_its_postgres_and_redis_connections_answer()
    {
        using var api = _topology.App.CreateHttpClient("api");

        using var response = await api.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = report.RootElement.GetProperty("checks");
        Assert.Equal("Healthy", checks.GetProperty("postgres").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_deckard_database_is_created_and_its_connection_string_opens_it()
    {
        await using var connection = new NpgsqlConnection(_topology.App.GetConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);

        Assert.Equal("deckard", await command.ExecuteScalarAsync());
    }

    [Fact]
    public async Task Two_workers_replicas_run_as_separate_processes_and_each_announces_itself_in_redis()
    {
        var workers = await _topology.App.ResourceNotifications.WaitForResourceHealthyAsync("workers").WaitAsync(Deadline);

        Assert.Equal(2, workers.Replicas.Count);
        Assert.Equal(2, workers.Replicas.Select(replica => replica.ProcessId).Distinct().Count());
        await using var redis = await ConnectionMultiplexer.ConnectAsync(_topology.App.GetConnectionString("redis"));
        foreach (var replica in workers.Replicas)
        {
            Assert.True(await redis.GetDatabase().KeyExistsAsync($"deckard:workers:{replica.InstanceId}"),
                $"replica {replica.Name} has no presence key");
        }
    }

    [Fact]
    public async Task A_worker_process_killed_with_sigkill_is_restarted_and_becomes_healthy_again()
    {
        var before = await _topology.App.ResourceNotifications.WaitForResourceHealthyAsync("workers").WaitAsync(Deadline);
        var victim = before.Replicas[0];
        var bystander = before.Replicas[1];

        System.Diagnostics.Process.GetProcessById(victim.ProcessId!.Value).Kill();

        var after = await _topology.App.ResourceNotifications.WaitForResourceAsync(
            "workers",
            snapshot => snapshot.Replicas[0].Restarts > victim.Restarts && snapshot.Replicas[0].IsHealthy).WaitAsync(Deadline);
        Assert.NotEqual(victim.ProcessId, after.Replicas[0].ProcessId);
        Assert.Equal(victim.InstanceId, after.Replicas[0].InstanceId);
        Assert.Equal(bystander.ProcessId, after.Replicas[1].ProcessId);
        Assert.False(ProcessTable.IsAlive(victim.ProcessId.Value));
        Assert.Contains(_topology.App.GetLogs(victim.Name), line => line.IsSystem && line.Text.Contains("restarting in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Servers_given_by_connection_strings_are_used_as_they_are_and_not_started()
    {
        var options = new DeckardTestingOptions
        {
            LogSink = _topology.Logs,
            Configuration =
            {
                ["ConnectionStrings:postgres"] = _topology.App.GetConnectionString("postgres"),
                ["ConnectionStrings:redis"] = _topology.App.GetConnectionString("redis"),
                ["Resources:workers:Replicas"] = "1",
            },
        };

        await using var second = await DeckardTestingBuilder.StartAsync<Program>(options);

        foreach (var name in new[] { "postgres", "redis" })
        {
            var snapshot = second.ResourceNotifications.Get(name);
            Assert.True(snapshot.IsExternal);
            Assert.Equal("ConnectionString", snapshot.Type);
            Assert.True(snapshot.IsHealthy);
            Assert.Null(snapshot.Replicas[0].ProcessId);
        }

        Assert.Equal(_topology.App.GetConnectionString("postgres"), second.GetConnectionString("postgres"));
        using var api = second.CreateHttpClient("api");
        using var health = await api.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public void Every_resource_reports_running_and_healthy()
    {
        var snapshots = _topology.App.ResourceNotifications.All;

        Assert.Equal(["api", "openai-mock", "postgres", "redis", "runpod-mock", "workers"], snapshots.Select(s => s.Name).Order());
        Assert.All(snapshots.SelectMany(s => s.Replicas), replica => Assert.Equal(ResourceState.Running, replica.State));
    }
}
