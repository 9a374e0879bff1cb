using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Deckard.Core.Costs;
using Deckard.Core.Identity;
using Npgsql;

namespace Deckard.Benchmarks;

/// <summary>
/// What authentication, rate limiting and the quota gate cost a request: the same read (a session that is not the
/// caller's, one PostgreSQL query) with each kind of credential, beside a refusal that reaches no database and the
/// query itself made straight from the benchmark; a ticket issued and redeemed; and the quota gate's one query on
/// every new session beside a single-row select.
/// </summary>
internal static class SecurityBenchmark
{
    private const string Issuer = "https://idp.benchmark/auth/v1";
    private const string Audience = "authenticated";
    private const string Secret = "a-benchmark-identity-provider-secret";
    private const int Warmup = 200;

    public static async Task RunAsync(int requests)
    {
        Console.WriteLine($"Security benchmark: {requests} sequential requests per credential, {Environment.ProcessorCount} cores");
        await using var app = await BenchmarkTopology.StartAsync(
            new Dictionary<string, string> { ["Resources:workers:Replicas"] = "1" },
            new Dictionary<string, string> { ["Auth__Jwt__Issuer"] = Issuer, ["Auth__Jwt__Audience"] = Audience, ["Auth__Jwt__SigningKey"] = Secret });
        await using var database = NpgsqlDataSource.Create(await app.ConnectionStringAsync("deckard"));
        var storedKey = (await new ApiKeyStore(database, TimeProvider.System).CreateAsync("benchmark", "bench", CancellationToken.None)).Key;
        using var devKey = app.CreateHttpClient("api");
        var path = new Uri($"/api/sessions/{Guid.NewGuid()}", UriKind.Relative);

        var anonymous = await TimeAsync(requests, () => Send(devKey, path, null));
        var development = await TimeAsync(requests, () => Send(devKey, path, app.DevelopmentApiKey));
        var stored = await TimeAsync(requests, () => Send(devKey, path, storedKey));
        var jwt = await TimeAsync(requests, () => Send(devKey, path, Jwt("benchmark-user")));
        var floor = await TimeAsync(requests, async () =>
        {
            await using var command = database.CreateCommand("SELECT 1 FROM sessions WHERE id = @id AND owner = @owner");
            command.Parameters.AddWithValue("id", Guid.NewGuid());
            command.Parameters.AddWithValue("owner", "benchmark");
            await command.ExecuteScalarAsync();
        });

        var session = await CreateSessionAsync(devKey);
        var tickets = await TimeAsync(requests / 4, async () =>
        {
            using var issued = await devKey.PostAsync(new Uri($"/api/sessions/{session}/tickets", UriKind.Relative), null);
            using var ticket = JsonDocument.Parse(await issued.Content.ReadAsStringAsync());
            using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(ticket.RootElement.GetProperty("events").GetString()!, UriKind.Relative));
            request.Headers.Authorization = null;
            request.Headers.Accept.Add(new MediaTypeWithQualityHeaderValue("application/json"));
            using var events = await devKey.SendAsync(request);
            events.EnsureSuccessStatusCode();
        });
        var quota = new PrincipalUsageReader(database, TimeProvider.System);
        var gate = await TimeAsync(requests, () => quota.ReadAsync("dev", CancellationToken.None));

        Console.WriteLine();
        Console.WriteLine($"{"measure",-74} {"p50",10} {"p99",10}");
        Row("floor: the session lookup made straight to PostgreSQL (ms)", floor);
        Row("no credentials: 401, no database (ms)", anonymous);
        Row("GET another's session with the development key: 404 (ms)", development);
        Row("  the same with a stored API key (remembered after its first use) (ms)", stored);
        Row("  the same with an HS256 JWT (validated every request) (ms)", jwt);
        FigureTable.Row("  stored key over development key, p50 (ratio)", Percentiles.Of(stored, 50) / Percentiles.Of(development, 50), double.NaN, 74);
        FigureTable.Row("  JWT over development key, p50 (ratio)", Percentiles.Of(jwt, 50) / Percentiles.Of(development, 50), double.NaN, 74);
        Row("ticket: issue (POST) then redeem on the events URL (ms, both requests)", tickets);
        Row("quota gate: the per-principal usage query of every new session (ms)", gate);
        FigureTable.Row("  quota gate over the single-row lookup, p50 (ratio)", Percentiles.Of(gate, 50) / Percentiles.Of(floor, 50), double.NaN, 74);
    }

    private static void Row(string label, List<double> times) => FigureTable.Row(label, Percentiles.Of(times, 50), Percentiles.Of(times, 99), 74);

    private static async Task Send(HttpClient api, Uri path, string? bearer)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Authorization = bearer is null ? null : new AuthenticationHeaderValue("Bearer", bearer);
        using var response = await api.SendAsync(request);
        if ((int)response.StatusCode is not (401 or 404))
        {
            throw new InvalidOperationException($"Unexpected {(int)response.StatusCode} for {path}");
        }
    }

    private static async Task<List<double>> TimeAsync(int count, Func<Task> action)
    {
        for (var index = 0; index < Math.Min(Warmup, count); index++)
        {
            await action();
        }

        var times = new List<double>(count);
        for (var index = 0; index < count; index++)
        {
            var started = Stopwatch.GetTimestamp();
            await action();
            times.Add(Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }

        return times;
    }

    private static async Task<Guid> CreateSessionAsync(HttpClient api)
    {
        using var content = new MultipartFormDataContent
        {
            { new StringContent("What is a benchmark?"), "prompt" },
            { new StringContent("""{"intent":"search","lipsync":false}"""), "options" },
        };
        using var response = await api.PostAsync(new Uri("/api/sessions", UriKind.Relative), content);
        response.EnsureSuccessStatusCode();
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return created.RootElement.GetProperty("id").GetGuid();
    }

    private static string Jwt(string subject)
    {
        static string Encode(byte[] bytes) => Convert.ToBase64String(bytes).TrimEnd('=').Replace('+', '-').Replace('/', '_');
        var header = Encode(JsonSerializer.SerializeToUtf8Bytes(new { alg = "HS256", typ = "JWT" }));
        var payload = Encode(JsonSerializer.SerializeToUtf8Bytes(new { sub = subject, iss = Issuer, aud = Audience, exp = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds() }));
        return $"{header}.{payload}.{Encode(HMACSHA256.HashData(Encoding.UTF8.GetBytes(Secret), Encoding.ASCII.GetBytes($"{header}.{payload}")))}";
    }
}
