using Deckard.RunPodMock.Tests.Infrastructure;
using Microsoft.Extensions.Options;

namespace Deckard.RunPodMock.Tests.Configuration;

/// <summary>Options are validated when the stand-in starts, and a bad value names its configuration key.</summary>
public sealed class OptionsValidationTests
{
    [Fact]
    public void Invalid_options_stop_the_start_with_messages_naming_each_key()
    {
        using var factory = new StandInFactory(new Dictionary<string, string?>
        {
            ["RunPodMock:GradioVersion"] = "3",
            ["RunPodMock:HeartbeatSeconds"] = "0",
            ["RunPodMock:CostModel:TimeScale"] = "-1",
            ["RunPodMock:Faults:0:Kind"] = "meteor_strike",
            ["RunPodMock:Faults:1:Kind"] = "download_truncated",
            ["Logging:LogLevel:Default"] = "None",
        });

        var failure = Assert.Throws<OptionsValidationException>(() => HostStartGate.Run(() => factory.Server));

        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:GradioVersion", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:HeartbeatSeconds", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:CostModel:TimeScale", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:Faults:0: Unknown fault kind 'meteor_strike'", StringComparison.Ordinal));
        Assert.Contains(failure.Failures, message => message.Contains("RunPodMock:Faults:1: download_truncated needs after_bytes", StringComparison.Ordinal));
    }

    [Fact]
    public void Valid_defaults_start()
    {
        using var factory = new StandInFactory(new Dictionary<string, string?> { ["Logging:LogLevel:Default"] = "None" });

        Assert.NotNull(HostStartGate.Run(() => factory.Server));
    }
}
