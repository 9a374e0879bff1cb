using System.Diagnostics;
using System.Net.Http.Headers;
using System.Security.Cryptography;
using System.Text;
using System.Text.Json;
using Deckard.Core.Artifacts.Storage;
using Deckard.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using NpgsqlTypes;

namespace Deckard.Benchmarks;

/// <summary>
/// What serving a large artifact costs the Api: a video of the given size (random bytes, so nothing compresses) and a
/// 1 MiB one, each downloaded whole and by a Range in its middle through the signed media link, with the Api's peak
/// resident memory during each download beside its memory at rest, and the throughput beside the same bytes read
/// straight from the store by the benchmark (the floor). The store is PostgreSQL, or with <c>--storage s3</c> a local
/// S3-compatible server (s3rver) that the Api reads through its object-store client.
/// </summary>
internal static class MediaBenchmark
{
    private const string SigningKey = "a-media-benchmark-signing-key";
    private const int OneMiB = 1024 * 1024;

    public static async Task RunAsync(int megabytes, string storage)
    {
        var objectStore = storage switch
        {
            "postgres" => null,
            "s3" => await S3Server.StartAsync(),
            _ => throw new ArgumentException($"--storage is postgres or s3, not {storage}."),
        };
        try
        {
            await RunAsync(megabytes, objectStore);
        }
        finally
        {
            if (objectStore is not null)
            {
                await objectStore.DisposeAsync();
            }
        }
    }

    private static async Task RunAsync(int megabytes, S3Server? objectStore)
    {
        var storeName = objectStore is null ? "PostgreSQL" : "a local S3-compatible server (s3rver)";
        Console.WriteLine($"Media benchmark: a {megabytes} MiB and a 1 MiB artifact served from {storeName}, {Environment.ProcessorCount} cores");
        var apiEnvironment = new Dictionary<string, string> { ["Media__SigningKey"] = SigningKey };
        var blobs = objectStore is null ? null : ObjectStore(objectStore, apiEnvironment);
        await using var app = await BenchmarkTopology.StartAsync(new Dictionary<string, string> { ["Resources:workers:Replicas"] = "1" }, apiEnvironment);
        await using var database = NpgsqlDataSource.Create(await app.ConnectionStringAsync("deckard"));
        using var api = app.CreateHttpClient("api");
        api.Timeout = TimeSpan.FromMinutes(10);
        var pid = await app.ApiProcessIdAsync();
        var session = await CreateSessionAsync(api);
        var small = (await InsertArtifactAsync(database, blobs, session, OneMiB)).Id;
        var large = await InsertArtifactAsync(database, blobs, session, (long)megabytes * OneMiB);

        // Warm both paths once, then measure.
        await DownloadAsync(api, small, null);
        var rest = ProcessMemory.ResidentMiB(pid);
        var smallWhole = await MeasureAsync(pid, () => DownloadAsync(api, small, null));
        var largeWhole = await MeasureAsync(pid, () => DownloadAsync(api, large.Id, null));
        var largeRange = await MeasureAsync(pid, () => DownloadAsync(api, large.Id, new RangeHeaderValue(large.Size / 2, (large.Size / 2) + (8L * OneMiB) - 1)));
        var floor = Stopwatch.StartNew();
        var floorBytes = blobs is null ? await ReadStraightAsync(database, large.Id) : await ReadObjectAsync(blobs, large.Key!, large.Size);
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
        FigureTable.Row($"floor: the same bytes read straight from {(blobs is null ? "PostgreSQL" : "the object store")} (MiB/s)", floorBytes / (double)OneMiB / floorSeconds, double.NaN, 70, "0");
        FigureTable.Row("  Api throughput over the floor (ratio)", (largeWhole.Bytes / largeWhole.Seconds) / (floorBytes / floorSeconds), double.NaN, 70);
    }

    /// <summary>Points the Api at the object store (streamed through it, not redirected) and gives the benchmark the same client Deckard uses.</summary>
    private static S3ArtifactBlobStore ObjectStore(S3Server server, Dictionary<string, string> apiEnvironment)
    {
        foreach (var (name, value) in server.DeckardSettings())
        {
            apiEnvironment[name] = value;
        }

        apiEnvironment["Media__Storage__PresignedDownloads"] = "false";
        return new S3ArtifactBlobStore(server.CreateClient(), Options.Create(new MediaStorageOptions
        {
            Provider = MediaStorageProvider.S3,
            ServiceUrl = server.ServiceUrl,
            Bucket = S3Server.Bucket,
            AccessKeyId = S3Server.AccessKeyId,
            SecretAccessKey = S3Server.SecretAccessKey,
        }));
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

    /// <summary>
    /// Stores random bytes as a video of the session, streamed from a temporary file as Deckard stores a render: into the
    /// row, or into the object store with the row pointing at it.
    /// </summary>
    private static async Task<(Guid Id, long Size, string? Key)> InsertArtifactAsync(NpgsqlDataSource database, IArtifactBlobStore? blobs, Guid session, long size)
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
            var key = blobs is null ? null : await blobs.PutAsync(session, id, content, size, "video/mp4", CancellationToken.None);
            await using var insert = database.CreateCommand("""
                INSERT INTO artifacts (id, session_id, owner, kind, role, content_type, size_bytes, data, storage_key, created_at)
                VALUES (@id, @session, 'dev', 'video', @role, 'video/mp4', @size, @data, @key, now())
                """);
            insert.Parameters.AddWithValue("id", id);
            insert.Parameters.AddWithValue("session", session);
            insert.Parameters.AddWithValue("role", $"benchmark-{size}");
            insert.Parameters.AddWithValue("size", size);
            insert.Parameters.Add(key is null
                ? new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = content, Size = checked((int)size) }
                : new NpgsqlParameter("data", NpgsqlDbType.Bytea) { Value = DBNull.Value });
            insert.Parameters.Add(new NpgsqlParameter("key", NpgsqlDbType.Text) { Value = (object?)key ?? DBNull.Value });
            await insert.ExecuteNonQueryAsync();
            return (id, size, key);
        }
        finally
        {
            File.Delete(path);
        }
    }

    private static async Task<long> ReadObjectAsync(IArtifactBlobStore blobs, string key, long size)
    {
        await using var counter = new CountingStream();
        return await blobs.CopyRangeAsync(key, 0, size, counter, CancellationToken.None) ? counter.Length : throw new InvalidOperationException($"Object {key} is missing.");
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
