using System.Net;
using System.Net.Http.Headers;

namespace Deckard.DistributedTests.Infrastructure;

/// <summary>One check of a media link, whatever store holds the bytes: served whole, and by each kind of Range, byte for byte.</summary>
public static class MediaAssert
{
    public static async Task ServesWholeAndRangesAsync(HttpClient browser, string url, byte[] expected)
    {
        using (var whole = await browser.GetAsync(new Uri(url, UriKind.Relative)))
        {
            Assert.Equal(HttpStatusCode.OK, whole.StatusCode);
            Assert.Equal("bytes", whole.Headers.AcceptRanges.Single());
            Assert.Equal(expected.Length, whole.Content.Headers.ContentLength);
            Assert.Equal(expected, await whole.Content.ReadAsByteArrayAsync());
        }

        // Across the first and second 64 KiB slice boundaries, a suffix, an open end, and a single byte.
        foreach (var (from, to) in new (long? From, long? To)[] { (70_000, 139_999), (65_535, 65_536), (null, 100), (expected.Length - 10, null), (0, 0) })
        {
            using var request = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(from, to) } };
            using var part = await browser.SendAsync(request);
            var offset = from ?? expected.Length - to!.Value;
            var last = from is null ? expected.Length - 1 : Math.Min(to ?? expected.Length - 1, expected.Length - 1);
            Assert.True(part.StatusCode == HttpStatusCode.PartialContent, $"{from}-{to}: {(int)part.StatusCode} {await part.Content.ReadAsStringAsync()}");
            Assert.Equal(new ContentRangeHeaderValue(offset, last, expected.Length).ToString(), part.Content.Headers.ContentRange?.ToString());
            Assert.Equal(expected[(int)offset..(int)(last + 1)], await part.Content.ReadAsByteArrayAsync());
        }

        using var past = new HttpRequestMessage(HttpMethod.Get, url) { Headers = { Range = new RangeHeaderValue(expected.Length, null) } };
        using var refused = await browser.SendAsync(past);
        Assert.Equal(HttpStatusCode.RequestedRangeNotSatisfiable, refused.StatusCode);
        Assert.Equal($"bytes */{expected.Length}", refused.Content.Headers.ContentRange?.ToString());
    }
}
