using System.Net.Http.Headers;
using System.Text;

namespace Deckard.OpenAIMock.Tests.Fidelity;

/// <summary>What the stand-in answered, read whole: status, headers, and the body as bytes and as text.</summary>
public sealed record StandInAnswer(int Status, string? ContentType, bool Chunked, HttpResponseHeaders Headers, byte[] Bytes)
{
    public string Body => Encoding.UTF8.GetString(Bytes);

    public static async Task<StandInAnswer> ReadAsync(HttpResponseMessage response) => new(
        (int)response.StatusCode,
        response.Content.Headers.ContentType?.ToString(),
        response.Headers.TransferEncodingChunked == true,
        response.Headers,
        await response.Content.ReadAsByteArrayAsync());
}
