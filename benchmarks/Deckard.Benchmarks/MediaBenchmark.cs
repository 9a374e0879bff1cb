using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Npgsql;
using NpgsqlTypes;

namespace Deckard.Benchmarks;

/// <summary>
/// What serving a large artifact costs the Api: a video of the given size (random bytes, so nothing compresses) and a
/// 1 MiB one, each downloaded whole and by a Range in its middle through the signed media link, with the Api's peak
/// resident memory during each download beside its memory at rest, and the throughput beside the same bytes read
/// straight from PostgreSQL by the benchmark (the floor).
/// </summary>
internal static class MediaBenchmark
{
    private const string SigningKey = "a-media-benchmark-signing-key";
    private const int OneMiB = 1024 * 1024;

    public static async Task RunAsync(int megabytes)
    {
        Console.WriteLine($"Media benchmark: a {megabytes} MiB and a 1 MiB artifact served from PostgreSQL, {Environment.ProcessorCount} cores");
        await using var app = await BenchmarkTopology.StartAsync(
            new Dictionary<string, string> { ["Resources:workers:Replicas"] = "1" },
            new Dictionary<string, string> { ["Media__SigningKey"] = SigningKey });
        await using var database = NpgsqlDataSource.Create(await app.ConnectionStringAsync("deckard"));
        using var api = app.CreateHttpClient("api");
        api.Timeout = TimeSpan.FromMinutes(10);
        var pid = await app.ApiProcessIdAsync();
        var session = await CreateSessionAsync(api);
        var small = (await InsertArtifactAsync(database, session, OneMiB)).Id;
        var large = await InsertArtifactAsync(database, session, (long)megabytes * OneMiB);

        // Warm both paths once, then measure.
        await DownloadAsync(api, small, null);
        var rest = ProcessMemory.ResidentMiB(pid);
        var smallWhole = await MeasureAsync(pid, () => DownloadAsync(api, small, null));
        var largeWhole = await MeasureAsync(pid, () => DownloadAsync(api, large.Id, null));
        var largeRange = await MeasureAsync(pid, () => DownloadAsync(api, large.Id, new RangeHeaderValue(large.Size / 2, (large.Size / 2) + (8L * OneMiB) - 1)));
        var floor = Stopwatch.StartNew();
        var floorBytes = await ReadStraightAsync(database, large.Id);
        var floorSeconds = floor.Elapsed.TotalSeconds;

        Console.WriteLine();
        Console.WriteLine($"{"measure",-70} {"value",10}");
        FigureTable.Row("Api resident memory at rest (MiB)", rest, double.NaN, 70, "0.0");
        FigureTable.Row("  peak growth while serving 1 MiB whole (MiB)", smallWhole.PeakMiB - rest, double.NaN, 70, "0.0");
        FigureTable.Row($"  peak growth while serving {megabytes} MiB whole (MiB)", largeWhole.PeakMiB - rest, double.NaN, 70, "0.0");
        FigureTable.Row($"  peak growth while serving an 8 MiB Range of it (MiB)", largeRange.PeakMiB - rest, double.NaN, 70, "0.0");
        FigureTable.Row($"  {megabytes} MiB over 1 MiB, peak growth (ratio; 1 = constant memory)",
            Math.Max(largeWhole.PeakMiB - rest, 1) / Math.Max(smallWhole.PeakMiB - rest, 1), double.NaN, 70);
        FigureTable.Row($"served through the Api, {megabytes} MiB whole (MiB/s)", largeWhole.Bytes / (double)OneMiB / largeWhole.Seconds, double.NaN, 70, "0");
        FigureTable.Row("floor: the same bytes read straight from PostgreSQL (MiB/s)", floorBytes / (double)OneMiB / floorSeconds, double.NaN, 70, "0");
        FigureTable.Row("  Api throughput over the floor (ratio)", (largeWhole.Bytes / largeWhole.Seconds) / (floorBytes / floorSeconds), double.NaN, 70);
    }

    private sealed record Measured(long Bytes, double Seconds, double PeakMiB);

    /// <summary>Runs <paramref name="download"/> while sampling the Api's resident memory every 5 ms.</summary>
    private static async Task<Measured> MeasureAsync(int pid, Func<Task<long>> download)
    {
        GC.Collect();
        var peak = ProcessMemory.ResidentMiB(pid);
        using var stop = new CancellationTokenSource();
        var sampling = Task.Run(async () =>
        {
            while (!stop.IsCancellationRequested)
            {
                peak = Math.Max(peak, ProcessMemory.ResidentMiB(pid));
                await Task.Delay(5, CancellationToken.None);
            }
        });
        var clock = Stopwatch.StartNew();
        var bytes = await download();
        var seconds = clock.Elapsed.TotalSeconds;
        await stop.CancelAsync();
        await sampling;
        return new Measured(bytes, seconds, Math.Max(peak, ProcessMemory.ResidentMiB(pid)));
    }

    private static async Task<long> DownloadAsync(HttpClient api, Guid artifactId, RangeHeaderValue? range)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(SignedPath(artifactId), UriKind.Relative));
        request.Headers.Authorization = null;
        request.Headers.Range = range;
        using var response = await api.SendAsync(request, HttpCompletionOption.ResponseHeadersRead);
        response.EnsureSuccessStatusCode();
        await using var body = await response.Content.ReadAsStreamAsync();
        return await DrainAsync(body);
    }

    /// <summary>Reads a stream to its end, keeping nothing: the bytes' count.</summary>
    private static async Task<long> DrainAsync(Stream stream)
    {
        var buffer = new byte[81920];
        long total = 0;
        int read;
        while ((read = await stream.ReadAsync(buffer)) > 0)
        {
            total += read;
        }

        return total;
    }

    /// <summary>The link the Api would sign (Deckard.Api's MediaUrlSigner: HMAC-SHA256 over "{id:N}:{expires}", hex).</summary>
    private static string SignedPath(Guid artifactId)
    {
        var expires = DateTimeOffset.UtcNow.AddHours(1).ToUnixTimeSeconds();
        var signature = Convert.ToHexStringLower(HMACSHA256.HashData(Encoding.UTF8.GetBytes(SigningKey), Encoding.UTF8.GetBytes($"{artifactId:N}:{expires}")));
        return $"/api/media/{artifactId}?expires={expires}&sig={signature}";
    }

    private static async Task<Guid> CreateSessionAsync(HttpClient api)
    {
        using var form = new MultipartFormDataContent { { new StringContent("Who wrote Don Quixote?"), "prompt" }, { new StringContent("""{"intent":"search","lipsync":false}"""), "options" } };
        using var response = await api.PostAsync(new Uri("/api/sessions", UriKind.Relative), form);
        response.EnsureSuccessStatusCode();
        using var created = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return created.RootElement.GetProperty("id").GetGuid();
    }

    /// <summary>Stores random bytes as a video of the session, streamed from a temporary file as Deckard stores a render.</summary>
    private static async Task<(Guid Id, long Size)> InsertArtifactAsync(NpgsqlDataSource database, Guid session, long size)
    {
        var path = Path.GetTempFileName();
        try
        {
            await using (var file = File.Create(path))
            {
                var chunk = new byte[OneMiB];
                for (var written = 0L; written < size; written += chunk.Length)
                {
                    RandomNumberGenerator.Fill(chunk);
                    await file.WriteAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, size - written)));
                }
            }

            var id = Guid.CreateVersion7();
            await using var content = File.OpenRead(path);
            await using var insert = database.CreateCommand("""
                INSERT INTO artifacts (id, session_id, owner, kind, role, content_type, size_bytes, data, created_at)
                VALUES (@id, @session, 'dev', 'video', @role, 'video/mp4', @size, @data, now())
                """);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("session", session);
            insert.Parameters.AddWithValue("role", $"benchmark-{size}");
            insert.Parameters.AddWithValue("size", size);
            insert.Parameters.Add(new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = content, Size = checked((int)size) });
            await insert.ExecuteNonQueryAsync();
            return (id, size);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<long> ReadStraightAsync(NpgsqlDataSource database, Guid id)
    {
        await using var command = database.CreateCommand("SELECT data FROM artifacts WHERE id = @id");
        command.Parameters.AddWithValue("id", id);
        await using var reader = await command.ExecuteReaderAsync(System.Data.CommandBehavior.SequentialAccess);
        await reader.ReadAsync();
        await using var bytes = await reader.GetStreamAsync(0);
        return await DrainAsync(bytes);
    }
}
