using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Aspire.Hosting.ApplicationModel;
using Deckard.DistributedTests.Infrastructure;
using Npgsql;
using StackExchange.Redis;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// The topology the AppHost declares, running for real on Aspire: the OS's PostgreSQL and Redis as executables, the
/// api, two workers replicas and the two stand-ins.
/// </summary>
public sealed class TopologyTests : IClassFixture<TopologyFixture>
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(90);
    private readonly TopologyFixture _topology;

    public TopologyTests(TopologyFixture topology, ITestOutputHelper output)
    {
        _topology = topology;
        topology.Logs.Attach(output);
    }

    private DeckardTestApp App => _topology.Topology;

    [Fact]
    public async Task Api_is_healthy_because_its_postgres_and_redis_connections_answer()
    {
        using var api = App.CreateHttpClient("api");

        using var response = await api.GetAsync(new Uri("/health", UriKind.Relative));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var report = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        var checks = report.RootElement.GetProperty("checks");
        // The checks Aspire.Npgsql and Aspire.StackExchange.Redis register.
        Assert.Equal("Healthy", checks.GetProperty("PostgreSql").GetProperty("status").GetString());
        Assert.Equal("Healthy", checks.GetProperty("StackExchange.Redis").GetProperty("status").GetString());
    }

    [Fact]
    public async Task The_deckard_database_is_created_and_its_connection_string_opens_it()
    {
        await using var connection = new NpgsqlConnection(await App.ConnectionStringAsync("deckard"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand("SELECT current_database()", connection);

        Assert.Equal("deckard", await command.ExecuteScalarAsync());
        // The database reports Starting until it is created, so its health check never asks for it before then.
        Assert.DoesNotContain(_topology.Logs.Of("postgres"), line => line.Contains("does not exist", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Local_servers_keep_their_data_and_generated_passwords_in_the_state_folder()
    {
        var postgresPassword = await File.ReadAllTextAsync(Path.Combine(App.StateDirectory, "secrets", "postgres-password"));
        var redisPassword = await File.ReadAllTextAsync(Path.Combine(App.StateDirectory, "secrets", "redis-password"));

        Assert.True(File.Exists(Path.Combine(App.StateDirectory, "postgres", "data", "PG_VERSION")), "no PostgreSQL cluster in the state folder");
        Assert.True(Directory.Exists(Path.Combine(App.StateDirectory, "redis", "appendonlydir")), "no Redis append-only files in the state folder");
        Assert.Contains($"Password={postgresPassword}", await App.ConnectionStringAsync("deckard"), StringComparison.Ordinal);
        Assert.EndsWith($",password={redisPassword}", await App.ConnectionStringAsync("redis"), StringComparison.Ordinal);
        // Neither password is on a command line for `ps` to show.
        Assert.Empty(ProcessTable.WithCommandLineContaining(postgresPassword));
        Assert.Empty(ProcessTable.WithCommandLineContaining(redisPassword));
    }

    [Fact]
    public async Task Two_workers_replicas_run_as_separate_processes_and_each_announces_itself_in_redis()
    {
        var workers = await App.WaitForHealthyAsync("workers");

        Assert.Equal(2, workers.Count);
        Assert.Equal(2, workers.Select(DeckardTestApp.ServiceProcessId).Distinct().Count());
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await App.ConnectionStringAsync("redis"));
        foreach (var replica in workers)
        {
            // The replica's OpenTelemetry service.instance.id, which Aspire derives from its resource id.
            var instanceId = replica.ResourceId["workers-".Length..];
            // The key is written by a background service once the host has started, which can be just after /health answers.
            using var deadline = new CancellationTokenSource(TimeSpan.FromSeconds(15));
            while (!await redis.GetDatabase().KeyExistsAsync($"deckard:workers:{instanceId}") && !deadline.IsCancellationRequested)
            {
                await Task.Delay(100, CancellationToken.None);
            }

            Assert.True(await redis.GetDatabase().KeyExistsAsync($"deckard:workers:{instanceId}"), $"replica {replica.ResourceId} has no presence key");
        }
    }

    [Fact]
    public async Task A_worker_process_killed_with_sigkill_is_restarted_and_becomes_healthy_again()
    {
        var before = await App.WaitForHealthyAsync("workers");
        var victim = before[0];
        var bystander = before[1];
        var victimPid = DeckardTestApp.ServiceProcessId(victim);
        var bystanderPid = DeckardTestApp.ServiceProcessId(bystander);

        System.Diagnostics.Process.GetProcessById(victimPid).Kill();

        var after = await App.WaitForHealthyAsync("workers", instances =>
            instances.Any(instance => instance.ResourceId == victim.ResourceId
                && DeckardTestApp.FindServiceProcess(instance) is { } pid && pid != victimPid), Deadline);
        Assert.Equal(bystanderPid, DeckardTestApp.ServiceProcessId(after.Single(instance => instance.ResourceId == bystander.ResourceId)));
        Assert.False(ProcessTable.IsAlive(victimPid));
        Assert.Contains(App.Logs.Of("workers"), line => line.Contains("Exited on its own", StringComparison.Ordinal) && line.Contains("restarting in", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Servers_given_by_connection_strings_are_used_as_they_are_and_not_started()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:deckard"] = await App.ConnectionStringAsync("deckard"),
            ["ConnectionStrings:redis"] = await App.ConnectionStringAsync("redis"),
            ["Resources:workers:Replicas"] = "1",
        };

        await using var second = await DeckardTestApp.StartAsync(_topology.Logs, settings);

        Assert.Empty(second.Instances("postgres"));
        foreach (var name in new[] { "deckard", "redis" })
        {
            Assert.DoesNotContain(second.Processes(), process => process.Resource.Name == name);
            Assert.Equal(settings[$"ConnectionStrings:{name}"], await second.ConnectionStringAsync(name));
        }

        Assert.False(Directory.Exists(Path.Combine(second.StateDirectory, "postgres")), "a local PostgreSQL was prepared anyway");
        using var api = second.CreateHttpClient("api");
        using var health = await api.GetAsync(new Uri("/health", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
    }

    [Fact]
    public async Task Two_api_instances_serve_one_deployment_tickets_events_and_media_links_from_one_work_on_the_other()
    {
        var settings = new Dictionary<string, string>
        {
            ["ConnectionStrings:deckard"] = await App.ConnectionStringAsync("deckard"),
            ["ConnectionStrings:redis"] = await App.ConnectionStringAsync("redis"),
            ["Resources:workers:Replicas"] = "1",
            ["Resources:api:Replicas"] = "2",
        };
        await using var second = await DeckardTestApp.StartAsync(_topology.Logs, settings);
        var addresses = second.Instances("api").Select(replica => DeckardTestApp.OwnAddress(replica)!).ToList();
        Assert.Equal(2, addresses.Distinct().Count());
        using var one = new HttpClient { BaseAddress = addresses[0] };
        one.DefaultRequestHeaders.Authorization = new System.Net.Http.Headers.AuthenticationHeaderValue("Bearer", second.DevelopmentApiKey);
        // The other instance is reached with no Authorization header: only the ticket and the signed link let it in.
        using var other = new HttpClient { BaseAddress = addresses[1] };

        var sessions = new SessionsClient(one);
        var id = await sessions.CreatedIdAsync(await sessions.CreateWithPromptAsync("Paint a portrait of me as a lighthouse keeper", """{"intent":"avatar","lipsync":false}"""));
        using var issued = await one.PostAsync(new Uri($"/api/sessions/{id}/tickets", UriKind.Relative), null);
        var ticketed = (await issued.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("events").GetString()!;
        var events = await new SessionsClient(other).FollowEventsAsync(id, deadline: Deadline, path: ticketed);

        Assert.Equal("session.completed", events[^1].Type);
        var portrait = (await sessions.GetAsync(id)).GetProperty("artifacts").EnumerateArray().Single(artifact => artifact.GetProperty("role").GetString() == "portrait");
        using var media = await other.GetAsync(new Uri(portrait.GetProperty("url").GetString()!, UriKind.RelativeOrAbsolute));
        Assert.Equal(HttpStatusCode.OK, media.StatusCode);
        Assert.Equal("image/png", media.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public void Every_resource_reports_running_and_healthy()
    {
        var resources = App.RunningResources();

        Assert.Equal(["api", "deckard", "openai-mock", "postgres", "redis", "runpod-mock", "workers"], resources.Select(r => r.Resource.Name).Distinct().Order());
        Assert.Equal(2, resources.Count(r => r.Resource.Name == "workers"));
        Assert.All(resources, resource => Assert.True(DeckardTestApp.IsHealthy(resource), $"{resource.ResourceId}: {resource.Snapshot.State?.Text} {resource.Snapshot.HealthStatus}"));
        // Each service instance's own address is known, so the start-up wait could ask every replica itself.
        var services = resources.Where(resource => resource.Snapshot.ResourceType == "Project").ToList();
        Assert.Equal(5, services.Count);
        Assert.All(services, service => Assert.NotNull(DeckardTestApp.OwnAddress(service)));
    }
}
