using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests;

/// <summary>
/// Media comes out of PostgreSQL in slices (64 KiB in this topology, <c>Media:ReadChunkBytes</c>), whole or by Range
/// as a media element asks for it: the bytes must be exactly the stored ones across every slice boundary.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MediaRangeTests
{
    private readonly PipelineFixture _pipeline;

    public MediaRangeTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public async Task An_upload_is_served_whole_and_by_ranges_across_slice_boundaries_byte_for_byte()
    {
        // Five seconds of 22 kHz speech: about 220 KB, four slices.
        var upload = await TestAudio.LongWavAsync("What is the tallest mountain in the world?", 5);
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithAudioAsync(upload, "question.wav"));
        var url = (await _pipeline.Sessions.GetAsync(id)).GetProperty("artifacts").EnumerateArray()
            .Single(artifact => artifact.GetProperty("role").GetString() == "input-audio").GetProperty("url").GetString()!;
        using var browser = _pipeline.Topology.CreateApiClient(bearer: null);

        await MediaAssert.ServesWholeAndRangesAsync(browser, url, upload);
        Assert.Equal(1L, await _pipeline.ScalarAsync<long>(
            "SELECT count(*) FROM artifacts WHERE session_id = @id AND role = 'input-audio' AND data IS NOT NULL AND storage_key IS NULL", ("id", id)));
    }
}
