using Deckard.Core.Queue;
using Deckard.Core.Steps;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace Deckard.UnitTests.Pipeline;

public sealed class RetryDelayTests
{
    private static readonly StepRunner Runner = new(
        null!, null!, null!,
        Options.Create(new QueueOptions { RetryBaseDelay = TimeSpan.FromSeconds(1), RetryMaxDelay = TimeSpan.FromSeconds(8) }),
        NullLogger<StepRunner>.Instance);

    [Theory]
    [InlineData(1, 500, 1000)]
    [InlineData(2, 1000, 2000)]
    [InlineData(3, 2000, 4000)]
    [InlineData(4, 4000, 8000)]
    [InlineData(9, 4000, 8000)]
    public void Retries_back_off_exponentially_with_jitter_up_to_the_cap(int attempt, int minimumMs, int maximumMs)
    {
        var delays = Enumerable.Range(0, 200).Select(_ => Runner.RetryDelay(attempt, retryAfter: null).TotalMilliseconds).ToList();

        Assert.All(delays, delay => Assert.InRange(delay, minimumMs, maximumMs));
        Assert.True(delays.Distinct().Count() > 1, "no jitter");
    }

    [Fact]
    public void A_retry_is_never_sooner_than_the_server_asked() =>
        Assert.Equal(TimeSpan.FromSeconds(30), Runner.RetryDelay(1, retryAfter: TimeSpan.FromSeconds(30)));
}
