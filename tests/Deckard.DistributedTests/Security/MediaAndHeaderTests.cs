using System.Globalization;
using System.Net;
using System.Security.Cryptography;
using System.Text;
using Deckard.DistributedTests.Infrastructure;
using Xunit.Abstractions;

namespace Deckard.DistributedTests.Security;

/// <summary>
/// Media is served only on a valid, unexpired signature, as a download or an inline image, audio or video that a
/// browser cannot run; every response carries the security headers; only allowed origins get CORS.
/// </summary>
[Collection(PipelineCollection.Name)]
public sealed class MediaAndHeaderTests
{
    private readonly PipelineFixture _pipeline;

    public MediaAndHeaderTests(PipelineFixture pipeline, ITestOutputHelper output)
    {
        _pipeline = pipeline;
        pipeline.Logs.Attach(output);
    }

    [Fact]
    public async Task Media_is_served_inline_with_nosniff_and_a_sandbox_policy_and_refused_on_an_expired_or_tampered_signature()
    {
        var id = await _pipeline.Sessions.CreatedIdAsync(await _pipeline.Sessions.CreateWithPromptAsync("Paint a portrait of me as a pilot", """{"intent":"avatar"}"""));
        await _pipeline.Sessions.WaitForEndAsync(id);
        var artifact = (await _pipeline.Sessions.GetAsync(id)).GetProperty("artifacts").EnumerateArray().First(item => item.GetProperty("kind").GetString() == "image");
        var artifactId = artifact.GetProperty("id").GetGuid();
        var url = artifact.GetProperty("url").GetString()!;
        using var browser = _pipeline.Topology.CreateApiClient(bearer: null);

        using var image = await browser.GetAsync(new Uri(url, UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, image.StatusCode);
        Assert.Equal("image/png", image.Content.Headers.ContentType?.MediaType);
        Assert.Equal("inline", image.Content.Headers.ContentDisposition?.DispositionType);
        Assert.Equal($"{artifactId}.png", image.Content.Headers.ContentDisposition?.FileName?.Trim('"'));
        Assert.Equal("nosniff", image.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Contains("sandbox", image.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);

        var expired = DateTimeOffset.UtcNow.AddMinutes(-1).ToUnixTimeSeconds();
        using (var old = await browser.GetAsync(new Uri($"/api/media/{artifactId}?expires={expired}&sig={Sign(artifactId, expired)}", UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(old, 403, "invalid-media-signature");
        }

        var later = DateTimeOffset.UtcNow.AddDays(2).ToUnixTimeSeconds();
        var query = url[(url.IndexOf('?', StringComparison.Ordinal) + 1)..].Split('&').ToDictionary(part => part.Split('=')[0], part => part.Split('=')[1]);
        using (var extended = await browser.GetAsync(new Uri($"/api/media/{artifactId}?expires={later}&sig={query["sig"]}", UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(extended, 403, "invalid-media-signature");
        }

        var flipped = query["sig"][..^1] + (query["sig"][^1] == '0' ? '1' : '0');
        using (var tampered = await browser.GetAsync(new Uri($"/api/media/{artifactId}?expires={query["expires"]}&sig={flipped}", UriKind.Relative)))
        {
            await ProblemAssert.IsProblemAsync(tampered, 403, "invalid-media-signature");
        }

        // A correctly signed link still works: the refusals were the signature's, not the artifact's.
        var fresh = DateTimeOffset.UtcNow.AddMinutes(5).ToUnixTimeSeconds();
        using var signed = await browser.GetAsync(new Uri($"/api/media/{artifactId}?expires={fresh}&sig={Sign(artifactId, fresh)}", UriKind.Relative));
        Assert.Equal(HttpStatusCode.OK, signed.StatusCode);
    }

    [Theory]
    [InlineData("/api/sessions")]
    [InlineData("/health")]
    [InlineData("/api/sessions/00000000-0000-0000-0000-000000000000")]
    public async Task Every_response_carries_the_security_headers(string path)
    {
        using var response = await _pipeline.Sessions.Http.GetAsync(new Uri(path, UriKind.Relative));

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Contains("frame-ancestors 'none'", response.Headers.GetValues("Content-Security-Policy").Single(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost:5173", true)]
    [InlineData("https://evil.example", false)]
    public async Task Cors_answers_only_the_configured_origins(string origin, bool allowed)
    {
        using var preflight = new HttpRequestMessage(HttpMethod.Options, "/api/sessions");
        preflight.Headers.Add("Origin", origin);
        preflight.Headers.Add("Access-Control-Request-Method", "POST");
        preflight.Headers.Add("Access-Control-Request-Headers", "authorization");
        using var anonymous = _pipeline.Topology.CreateApiClient(bearer: null);

        using var response = await anonymous.SendAsync(preflight);

        Assert.Equal(allowed, response.Headers.TryGetValues("Access-Control-Allow-Origin", out var allowedOrigin));
        if (allowed)
        {
            Assert.Equal(origin, allowedOrigin!.Single());
            Assert.Contains("authorization", response.Headers.GetValues("Access-Control-Allow-Headers").Single(), StringComparison.OrdinalIgnoreCase);
        }
    }

    private static string Sign(Guid artifactId, long expires) => Convert.ToHexStringLower(HMACSHA256.HashData(
        Encoding.UTF8.GetBytes(PipelineFixture.MediaSigningKey), Encoding.UTF8.GetBytes($"{artifactId:N}:{expires.ToString(CultureInfo.InvariantCulture)}")));
}
