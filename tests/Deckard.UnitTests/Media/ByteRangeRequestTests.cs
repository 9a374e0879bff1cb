using Deckard.Api.Media;

namespace Deckard.UnitTests.Media;

public sealed class ByteRangeRequestTests
{
    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("bytes=0-1,5-6")]
    [InlineData("items=0-1")]
    [InlineData("bytes=nonsense")]
    public void No_single_byte_range_asks_for_the_whole(string? header) =>
        Assert.Equal(new ByteRangeRequest(ByteRangeKind.Whole, 0, 1000), ByteRangeRequest.Parse(header, 1000));

    [Theory]
    [InlineData("bytes=0-99", 0, 100)]
    [InlineData("bytes=100-", 100, 900)]
    [InlineData("bytes=990-5000", 990, 10)]
    [InlineData("bytes=-10", 990, 10)]
    [InlineData("bytes=-5000", 0, 1000)]
    [InlineData("bytes=999-999", 999, 1)]
    public void A_satisfiable_range_is_clamped_to_the_size(string header, long offset, long length) =>
        Assert.Equal(new ByteRangeRequest(ByteRangeKind.Partial, offset, length), ByteRangeRequest.Parse(header, 1000));

    [Theory]
    [InlineData("bytes=1000-", 1000)]
    [InlineData("bytes=5000-6000", 1000)]
    [InlineData("bytes=-0", 1000)]
    [InlineData("bytes=-10", 0)]
    public void A_range_past_the_end_cannot_be_satisfied(string header, long size) =>
        Assert.Equal(ByteRangeKind.Unsatisfiable, ByteRangeRequest.Parse(header, size).Kind);
}
