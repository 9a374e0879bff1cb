using Deckard.Api;
using Deckard.Api.Media;
using Deckard.Api.Security;
using Microsoft.AspNetCore.Http;

namespace Deckard.UnitTests.Security;

public sealed class SecurityRulesTests
{
    [Theory]
    [InlineData("/api/sessions/0b5a9d0e-8f7c-4c65-9d47-3f1b1a2b3c4d/events", true)]
    [InlineData("/api/sessions/0b5a9d0e-8f7c-4c65-9d47-3f1b1a2b3c4d/realtime", true)]
    [InlineData("/api/sessions/0b5a9d0e-8f7c-4c65-9d47-3f1b1a2b3c4d", false)]
    [InlineData("/api/sessions/0b5a9d0e-8f7c-4c65-9d47-3f1b1a2b3c4d/cancel", false)]
    [InlineData("/api/sessions/not-a-guid/events", false)]
    [InlineData("/api/avatars", false)]
    public void Tickets_open_only_event_streams_and_realtime_sockets(string path, bool accepted) =>
        Assert.Equal(accepted, TicketPaths.TryReadSession(new PathString(path), out _));

    [Fact]
    public void A_principals_own_limits_replace_only_the_ones_it_names()
    {
        var quotas = new QuotaOptions
        {
            RequestsPerMinute = 600,
            MaxActiveSessions = 10,
            Principals = { ["partner"] = new PrincipalQuota { MaxActiveSessions = 100 } },
        };

        Assert.Equal(100, quotas.For("partner").MaxActiveSessions);
        Assert.Equal(600, quotas.For("partner").RequestsPerMinute);
        Assert.Equal(10, quotas.For("someone").MaxActiveSessions);
    }

    [Theory]
    [InlineData("image/png", "inline", "png")]
    [InlineData("video/mp4", "inline", "mp4")]
    [InlineData("audio/wav", "inline", "wav")]
    [InlineData("text/plain; charset=utf-8", "inline", "txt")]
    [InlineData("text/html", "attachment", "bin")]
    [InlineData("image/svg+xml", "attachment", "bin")]
    [InlineData("application/javascript", "attachment", "bin")]
    public void Only_media_a_browser_cannot_execute_renders_inline(string contentType, string disposition, string extension)
    {
        var response = new DefaultHttpContext().Response;
        var id = Guid.NewGuid();

        MediaDisposition.Apply(response, id, contentType);

        Assert.Equal($"{disposition}; filename=\"{id}.{extension}\"", response.Headers.ContentDisposition.ToString());
        Assert.Equal("nosniff", response.Headers.XContentTypeOptions.ToString());
        Assert.Equal(disposition == "inline" ? contentType : "application/octet-stream", MediaDisposition.ServedType(contentType));
    }

    [Theory]
    [InlineData(new[] { "http://localhost:5173", "https://app.example.com" }, true)]
    [InlineData(new[] { "https://app.example.com/" }, false)]
    [InlineData(new[] { "https://*.example.com" }, false)]
    [InlineData(new[] { "app.example.com" }, false)]
    [InlineData(new[] { "https://app.example.com/path" }, false)]
    public void Cors_origins_are_exact_origins(string[] origins, bool valid) =>
        Assert.Equal(valid, new BrowserOriginOptions { AllowedOrigins = origins }.AllValid());

    [Theory]
    [InlineData(404, "not-found")]
    [InlineData(405, "method-not-allowed")]
    [InlineData(415, "unsupported-media-type")]
    [InlineData(429, "rate-limited")]
    [InlineData(503, "server-error")]
    public void Framework_problems_get_a_code(int status, string code) => Assert.Equal(code, ApiProblems.DefaultCode(status));
}
