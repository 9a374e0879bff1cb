using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Tests.Configuration;

/// <summary>
/// The stand-in's own registration with bad settings, checked by the validator that runs when the host starts
/// (<c>ValidateOnStart</c>). No server is started: a failing WebApplicationFactory start can dispose the host
/// under the factory (ObjectDisposedException instead of the validation failure), and it races other tests for
/// Program's host.
/// </summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void Invalid_options_stop_the_start_with_messages_naming_each_key()
    {
        using var host = BuildHost(new Dictionary<string, string?>
        {
            ["RunPodMock:GradioVersion"] = "3",
            ["RunPodMock:HeartbeatSeconds"] = "0",
            ["RunPodMock:CostModel:TimeScale"] = "-1",
            ["RunPodMock:Faults:0:Kind"] = "meteor_strike",
            ["RunPodMock:Faults:1:Kind"] = "download_truncated",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => host.Services.GetRequiredService<IStartupValidator>().Validate());

        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:GradioVersion", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:HeartbeatSeconds", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:CostModel:TimeScale", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:Faults:0: Unknown fault kind 'meteor_strike'", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:Faults:1: download_truncated needs after_bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Valid_defaults_pass_the_start_validation()
    {
        using var host = BuildHost([]);

        host.Services.GetRequiredService<IStartupValidator>().Validate();
    }

    private static IHost BuildHost(Dictionary<string, string?> settings)
    {
        var builder = Host.CreateApplicationBuilder(new HostApplicationBuilderSettings { DisableDefaults = true });
        builder.Configuration.AddInMemoryCollection(settings);
        builder.AddRunPodMock();
        return builder.Build();
    }
}
