using System.Net;
using Amazon.S3.Model;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Deckard.Core.Artifacts.Storage;
using Deckard.DistributedTests.Infrastructure;
using Deckard.Testing;
using Microsoft.Extensions.Options;
using Npgsql;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// Media in S3-compatible object storage: the whole topology pointed at a real S3 server on this machine (s3rver), so
/// uploads, portraits, speech and videos go to the bucket, the rows keep only keys, the same media checks as the
/// PostgreSQL store pass through the same links, a missing object is a 404, deleting a session removes its objects,
/// and a presigned URL serves the object itself.
/// </summary>
public sealed class ObjectStorageTests(ObjectStorageTests.Fixture fixture, ITestOutputHelper output) : IClassFixture<ObjectStorageTests.Fixture>
{
    public sealed class Fixture(IMessageSink diagnostics) : IAsyncLifetime
    {
        public TestLogs Logs { get; } = new(diagnostics);

        public S3Server S3 { get; private set; } = null!;

        public DeckardTestApp Topology { get; private set; } = null!;

        public SessionsClient Sessions { get; private set; } = null!;

        public NpgsqlDataSource Database { get; private set; } = null!;

        public async Task InitializeAsync()
        {
            S3 = await S3Server.StartAsync();
            Topology = await DeckardTestApp.StartAsync(Logs, new Dictionary<string, string> { ["RunPodMock:CostModel:TimeScale"] = "0.001" }, builder =>
            {
                foreach (var project in builder.Resources.OfType<ProjectResource>().Where(project => project.Name is "api" or "workers").ToList())
                {
                    var resource = builder.CreateResourceBuilder(project);
                    foreach (var (name, value) in S3.DeckardSettings())
                    {
                        resource.WithEnvironment(name, value);
                    }

                    resource.WithEnvironment("Media__ReadChunkBytes", "65536");
                }
            });
            Sessions = new SessionsClient(Topology.CreateHttpClient("api"));
            Database = NpgsqlDataSource.Create(await Topology.ConnectionStringAsync("deckard"));
        }

        public async Task DisposeAsync()
        {
            if (Database is not null)
            {
                await Database.DisposeAsync();
            }

            if (Topology is not null)
            {
                await Topology.DisposeAsync();
            }

            if (S3 is not null)
            {
                await S3.DisposeAsync();
            }
        }
    }

    [Fact]
    public async Task A_spoken_question_lip_synced_keeps_every_artifact_in_the_bucket_and_serves_it_as_the_database_store_does()
    {
        fixture.Logs.Attach(output);
        var upload = await TestAudio.LongWavAsync("What is the tallest mountain in the world?", 5);
        var id = await fixture.Sessions.CreatedIdAsync(await fixture.Sessions.CreateWithAudioAsync(upload, "question.wav", """{"intent":"search","lipsync":true}"""));
        Assert.Equal("session.completed", (await fixture.Sessions.WaitForEndAsync(id))[^1].Type);
        var session = await fixture.Sessions.GetAsync(id);
        var artifacts = session.GetProperty("artifacts").EnumerateArray().ToList();
        Assert.Contains(artifacts, artifact => artifact.GetProperty("role").GetString() == "lipsync-video");

        // Every row keeps a key and no bytes; every key is an object of the recorded size.
        using var s3 = fixture.S3.CreateClient();
        var rows = await RowsAsync(id);
        Assert.Equal(artifacts.Count, rows.Count);
        foreach (var (key, size) in rows)
        {
            var head = await s3.GetObjectMetadataAsync(S3Server.Bucket, key);
            Assert.Equal(size, head.ContentLength);
        }

        using var browser = fixture.Topology.CreateApiClient(bearer: null);
        var uploadUrl = artifacts.Single(artifact => artifact.GetProperty("role").GetString() == "input-audio").GetProperty("url").GetString()!;
        await MediaAssert.ServesWholeAndRangesAsync(browser, uploadUrl, upload);
        var video = artifacts.Single(artifact => artifact.GetProperty("role").GetString() == "lipsync-video");
        using var videoResponse = await browser.GetAsync(new Uri(video.GetProperty("url").GetString()!, UriKind.Relative));
        Assert.Equal("video/mp4", videoResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(video.GetProperty("sizeBytes").GetInt64(), (await videoResponse.Content.ReadAsByteArrayAsync()).LongLength);
    }

    [Fact]
    public async Task An_object_missing_from_the_bucket_is_a_404_and_deleting_the_session_removes_its_objects()
    {
        fixture.Logs.Attach(output);
        var upload = await TestAudio.SpeechWavAsync("Who wrote the novel Don Quixote?");
        var id = await fixture.Sessions.CreatedIdAsync(await fixture.Sessions.CreateWithAudioAsync(upload, "question.wav", """{"intent":"search","lipsync":false}"""));
        await fixture.Sessions.WaitForEndAsync(id);
        var artifacts = (await fixture.Sessions.GetAsync(id)).GetProperty("artifacts").EnumerateArray().ToList();
        var rows = await RowsAsync(id);
        using var s3 = fixture.S3.CreateClient();
        var uploadArtifact = artifacts.Single(artifact => artifact.GetProperty("role").GetString() == "input-audio");
        var uploadKey = rows.Single(row => row.Size == upload.Length).Key;

        await s3.DeleteObjectAsync(S3Server.Bucket, uploadKey);
        using var browser = fixture.Topology.CreateApiClient(bearer: null);
        using (var missing = await browser.GetAsync(new Uri(uploadArtifact.GetProperty("url").GetString()!, UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(missing, 404, "media-not-found");
        }

        using (var deleted = await fixture.Sessions.Http.DeleteAsync(new Uri($"/api/sessions/{id}", UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.NoContent, deleted.StatusCode);
        }

        var left = await s3.ListObjectsV2Async(new ListObjectsV2Request { BucketName = S3Server.Bucket, Prefix = $"artifacts/{id:N}/" });
        Assert.Empty(left.S3Objects ?? []);
    }

    [Fact]
    public async Task The_store_writes_reads_a_range_and_presigns_against_a_real_s3_server()
    {
        using var s3 = fixture.S3.CreateClient();
        var store = new S3ArtifactBlobStore(s3, Options.Create(new MediaStorageOptions
        {
            Provider = MediaStorageProvider.S3,
            Bucket = S3Server.Bucket,
            ServiceUrl = fixture.S3.ServiceUrl,
        }));
        var bytes = new byte[300_000];
        Random.Shared.NextBytes(bytes);
        using var content = new MemoryStream(bytes);

        var key = await store.PutAsync(Guid.NewGuid(), Guid.NewGuid(), content, bytes.Length, "video/mp4", CancellationToken.None);
        using var slice = new MemoryStream();
        Assert.True(await store.CopyRangeAsync(key, 100_000, 50_000, slice, CancellationToken.None));
        Assert.Equal(bytes[100_000..150_000], slice.ToArray());
        Assert.False(await store.CopyRangeAsync(key + "-absent", 0, 10, new MemoryStream(), CancellationToken.None));
        using var first = new MemoryStream();
        Assert.True(await store.CopyRangeAsync(key, 0, 1, first, CancellationToken.None));
        Assert.Equal(bytes[..1], first.ToArray());

        var url = store.PresignedUrl(key, "video/mp4", "inline; filename=\"clip.mp4\"", DateTimeOffset.UtcNow.AddMinutes(5))!;
        using var anyone = new HttpClient();
        using var presigned = await anyone.GetAsync(new Uri(url));
        Assert.Equal(HttpStatusCode.OK, presigned.StatusCode);
        Assert.Equal(bytes, await presigned.Content.ReadAsByteArrayAsync());
        Assert.Equal("video/mp4", presigned.Content.Headers.ContentType?.MediaType);

        await store.DeleteAsync([key], CancellationToken.None);
        Assert.False(await store.CopyRangeAsync(key, 0, 10, new MemoryStream(), CancellationToken.None));
    }

    private async Task<List<(string Key, long Size)>> RowsAsync(Guid sessionId)
    {
        await using var command = fixture.Database.CreateCommand("SELECT storage_key, size_bytes, data IS NULL FROM artifacts WHERE session_id = @id");
        command.Parameters.AddWithValue("id", sessionId);
        await using var reader = await command.ExecuteReaderAsync();
        var rows = new List<(string, long)>();
        while (await reader.ReadAsync())
        {
            Assert.True(reader.GetBoolean(2), "a row kept its bytes");
            rows.Add((reader.GetString(0), reader.GetInt64(1)));
        }

        return rows;
    }
}
