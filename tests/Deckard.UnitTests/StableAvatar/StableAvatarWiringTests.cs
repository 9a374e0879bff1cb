using Deckard.Core.StableAvatar;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Deckard.UnitTests.StableAvatar;

public sealed class StableAvatarWiringTests
{
    [Fact]
    public void A_configured_access_token_is_sent_as_a_bearer_token_and_no_total_timeout_cuts_a_render()
    {
        using var host = Build(new() { ["StableAvatar:AccessToken"] = "pod-secret" });

        using var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(GradioClient));

        Assert.Equal("Bearer pod-secret", client.DefaultRequestHeaders.Authorization?.ToString());
        Assert.Equal(Timeout.InfiniteTimeSpan, client.Timeout);
    }

    [Fact]
    public void Without_a_token_no_authorization_header_is_sent()
    {
        using var host = Build([]);

        using var client = host.Services.GetRequiredService<IHttpClientFactory>().CreateClient(nameof(GradioClient));

        Assert.Null(client.DefaultRequestHeaders.Authorization);
    }

    [Fact]
    public void The_apphosts_reference_sets_the_pods_address_token_and_render_pace_over_the_section()
    {
        using var host = Build(new()
        {
            ["StableAvatar:BaseUrl"] = "http://elsewhere:1234",
            ["ConnectionStrings:stableavatar"] = "Endpoint=https://abc123-7860.proxy.runpod.net;AccessToken=pod-secret;CostScale=0.25",
        });

        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StableAvatarOptions>>().Value;

        Assert.Equal(new Uri("https://abc123-7860.proxy.runpod.net"), options.BaseUrl);
        Assert.Equal("pod-secret", options.AccessToken);
        Assert.Equal(0.25, options.Cost.Scale);
    }

    [Fact]
    public void Several_pods_are_one_reference_of_comma_separated_urls_or_the_sections_additional_urls()
    {
        using var fromReference = Build(new() { ["ConnectionStrings:stableavatar"] = "Endpoint=https://a-7860.proxy.runpod.net, https://b-7860.proxy.runpod.net" });
        using var fromSection = Build(new()
        {
            ["StableAvatar:BaseUrl"] = "https://a-7860.proxy.runpod.net",
            ["StableAvatar:AdditionalUrls:0"] = "https://b-7860.proxy.runpod.net",
        });

        foreach (var host in new[] { fromReference, fromSection })
        {
            var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StableAvatarOptions>>().Value;
            Assert.Equal([new Uri("https://a-7860.proxy.runpod.net"), new Uri("https://b-7860.proxy.runpod.net")], options.PodUrls());
            Assert.Equal(2, host.Services.GetRequiredService<PodPool>().Pods.Count);
        }
    }

    [Fact]
    public void Without_the_reference_the_section_says_where_the_pod_is()
    {
        using var host = Build(new() { ["StableAvatar:BaseUrl"] = "https://abc123-7860.proxy.runpod.net" });

        var options = host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StableAvatarOptions>>().Value;

        Assert.Equal(new Uri("https://abc123-7860.proxy.runpod.net"), options.BaseUrl);
        Assert.Equal(1, options.Cost.Scale);
    }

    [Fact]
    public void Out_of_range_settings_stop_the_service_at_start()
    {
        using var host = Build(new() { ["StableAvatar:SubmissionBudget"] = "0" });

        Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StableAvatarOptions>>().Value);
    }

    [Fact]
    public void A_pod_address_that_is_not_an_http_url_stops_the_service_at_start_naming_it()
    {
        using var host = Build(new() { ["StableAvatar:AdditionalUrls:0"] = "ftp://pod-b:7860" });

        var error = Assert.ThrowsAny<Microsoft.Extensions.Options.OptionsValidationException>(() =>
            host.Services.GetRequiredService<Microsoft.Extensions.Options.IOptions<StableAvatarOptions>>().Value);
        Assert.Contains("ftp://pod-b:7860", error.Message, StringComparison.Ordinal);
    }

    private static IHost Build(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Services.AddSingleton(TimeProvider.System);
        builder.AddStableAvatarClient();
        return builder.Build();
    }
}
