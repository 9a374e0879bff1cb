using Deckard.OpenAIMock.Tests.Infrastructure;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.Options;

namespace Deckard.OpenAIMock.Tests.Configuration;

/// <summary>In the shared collection: two WebApplicationFactory hosts of one Program must not be built at the same time.</summary>
[Collection(OpenAIMockCollection.Name)]
public sealed class OptionsValidationTests
{
    [Theory]
    [InlineData("OpenAIMock:ApiKey", "", "ApiKey")]
    [InlineData("OpenAIMock:Realtime:PlaybackRate", "-1", "PlaybackRate")]
    [InlineData("OpenAIMock:Realtime:AudioChunkMilliseconds", "5", "AudioChunkMilliseconds")]
    [InlineData("OpenAIMock:DefaultLatencyMs", "-10", "DefaultLatencyMs")]
    public void Invalid_settings_stop_the_stand_in_at_start_naming_the_setting(string key, string value, string named)
    {
        using var factory = new WebApplicationFactory<Program>().WithWebHostBuilder(builder =>
        {
            builder.UseSetting(key, value);
            builder.UseSetting("Logging:LogLevel:Default", "None");
        });

        var failure = Assert.ThrowsAny<Exception>(() => factory.StartServer());

        var validation = Assert.IsType<OptionsValidationException>(Unwrap(failure));
        Assert.Contains(validation.Failures, message => message.Contains(named, StringComparison.Ordinal));
    }

    private static Exception Unwrap(Exception failure) => failure switch
    {
        OptionsValidationException => failure,
        AggregateException aggregate when aggregate.InnerExceptions.Count == 1 => Unwrap(aggregate.InnerExceptions[0]),
        { InnerException: { } inner } => Unwrap(inner),
        _ => failure,
    };
}
