using Deckard.Api.Telemetry;
using Deckard.Core.Sessions;
using Microsoft.Extensions.FileProviders;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Deckard.UnitTests.Api;

/// <summary>From a session to its trace: the id of the request that made it, and in Development a link to the dashboard.</summary>
public sealed class TraceLinksTests
{
    private const string TraceId = "4bf92f3577b34da6a3ce929d0e0e4736";

    [Fact]
    public void A_session_keeps_the_trace_id_of_the_request_that_made_it()
    {
        var session = new NewSession(Owners.Development, "a prompt", null, new SessionOptions(), $"00-{TraceId}-00f067aa0ba902b7-01");

        Assert.Equal(TraceId, session.TraceId);
        Assert.Null(new NewSession(Owners.Development, "a prompt", null, new SessionOptions(), TraceParent: null).TraceId);
    }

    [Fact]
    public void In_development_with_a_dashboard_the_link_opens_the_trace_page()
    {
        var links = Links("Development", "http://localhost:18888");

        Assert.Equal($"http://localhost:18888/traces/detail/{TraceId}", links.For(TraceId));
        Assert.Null(links.For(null));
    }

    [Theory]
    [InlineData("Production", "http://localhost:18888")]
    [InlineData("Development", null)]
    public void Elsewhere_or_without_a_dashboard_there_is_no_link(string environment, string? dashboard) =>
        Assert.Null(Links(environment, dashboard).For(TraceId));

    private static TraceLinks Links(string environment, string? dashboard) =>
        new(Options.Create(new DashboardOptions { Url = dashboard is null ? null : new Uri(dashboard) }), new Environment(environment));

    private sealed class Environment(string name) : IHostEnvironment
    {
        public string EnvironmentName { get; set; } = name;

        public string ApplicationName { get; set; } = "Deckard.Api";

        public string ContentRootPath { get; set; } = "/";

        public IFileProvider ContentRootFileProvider { get; set; } = new NullFileProvider();
    }
}
