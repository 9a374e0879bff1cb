using Deckard.Core.Costs;
using Deckard.Core.Sessions;
using Deckard.Core.Steps;
using Microsoft.Extensions.Options;

namespace Deckard.UnitTests.Pipeline;

public sealed class CostEstimatorTests
{
    private static readonly CostEstimator Estimator = new(Options.Create(new CostOptions
    {
        Models = new(StringComparer.OrdinalIgnoreCase)
        {
            ["gpt-5"] = new() { InputPerMillionTokens = 1m, OutputPerMillionTokens = 10m, PerCall = 0.01m },
            ["gpt-4o-mini-tts"] = new() { PerCall = 0.02m },
        },
        GpuPerSecond = 0.001m,
    }));

    [Fact]
    public void Tokens_calls_and_gpu_seconds_are_priced_and_summed()
    {
        var estimate = Estimator.Estimate(
        [
            Step("web_search", new ModelUsage("gpt-5", 1_000_000, 100_000, 1_100_000)),
            Step("speech", new ModelUsage("gpt-4o-mini-tts", null, null, null)),
            Step("lipsync", null, gpuSeconds: 60),
        ]);

        Assert.Equal([2.01m, 0.02m, 0.06m], estimate.Lines.Select(line => line.Usd));
        Assert.Equal(2.09m, estimate.Total);
        Assert.Equal(60, estimate.GpuSeconds);
        Assert.Equal("USD", estimate.Currency);
    }

    [Fact]
    public void A_model_without_a_price_is_shown_as_unpriced_and_counts_zero()
    {
        var line = Assert.Single(Estimator.Estimate([Step("classify", new ModelUsage("some-new-model", 10, 10, 20))]).Lines);

        Assert.False(line.Priced);
        Assert.Equal(0m, line.Usd);
    }

    [Fact]
    public void Steps_that_called_nothing_cost_nothing() =>
        Assert.Empty(Estimator.Estimate([Step("classify", null)]).Lines);

    private static StepView Step(string name, ModelUsage? usage, double? gpuSeconds = null) =>
        new(name, "completed", 1, null, usage, gpuSeconds, null, null);
}
