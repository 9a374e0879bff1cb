using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Tests.Configuration;

/// <summary>
/// The stand-in's own registration with a bad setting, checked by the validator that runs when the host starts
/// (<c>ValidateOnStart</c>). No server is started, so nothing races other tests for Program's host.
/// </summary>
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("OpenAIMock:ApiKey", "", "ApiKey")]
    [InlineData("OpenAIMock:Realtime:PlaybackRate", "-1", "PlaybackRate")]
    [InlineData("OpenAIMock:Realtime:AudioChunkMilliseconds", "5", "AudioChunkMilliseconds")]
    [InlineData("OpenAIMock:DefaultLatencyMs", "-10", "DefaultLatencyMs")]
    public void Invalid_settings_stop_the_stand_in_at_start_naming_the_setting(string key, string value, string named)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?> { [key] = value });
        builder.AddOpenAIMock();
        using var host = builder.Build();

        var validation = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(validation.Failures, message => message.Contains(named, StringComparison.Ordinal));
    }

    [Fact]
    public void The_default_settings_are_valid()
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.AddOpenAIMock();
        using var host = builder.Build();

        host.Services.GetRequiredService<IStartupValidator>().Validate();
    }
}
