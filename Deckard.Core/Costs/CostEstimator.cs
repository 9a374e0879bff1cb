using Deckard.Core.Sessions;
using Microsoft.Extensions.Options;

namespace Deckard.Core.Costs;

/// <summary>A session's estimated cost from what its steps recorded: model tokens (or calls) and GPU seconds.</summary>
public sealed class CostEstimator(IOptions<CostOptions> options)
{
    public CostEstimate Estimate(IReadOnlyList<StepView> steps)
    {
        var prices = options.Value;
        var lines = new List<CostLine>();
        foreach (var step in steps.Where(step => step.Usage is not null || step.GpuSeconds is not null))
        {
            decimal usd = 0;
            var priced = true;
            if (step.Usage is { } usage)
            {
                if (prices.Models.TryGetValue(usage.Model, out var price))
                {
                    usd += (usage.InputTokens ?? 0) * price.InputPerMillionTokens / 1_000_000m
                           + (usage.OutputTokens ?? 0) * price.OutputPerMillionTokens / 1_000_000m
                           + price.PerCall;
                }
                else
                {
                    priced = false;
                }
            }

            if (step.GpuSeconds is { } seconds)
            {
                usd += (decimal)seconds * prices.GpuPerSecond;
            }

            lines.Add(new CostLine(step.Name, step.Usage?.Model, step.Usage?.InputTokens, step.Usage?.OutputTokens, step.GpuSeconds,
                Math.Round(usd, 6), priced));
        }

        return new CostEstimate("USD", Math.Round(lines.Sum(line => line.Usd), 6), lines.Sum(line => line.GpuSeconds ?? 0), lines);
    }
}

/// <param name="Priced">False when the model has no configured price (its line counts zero).</param>
public sealed record CostLine(string Step, string? Model, int? InputTokens, int? OutputTokens, double? GpuSeconds, decimal Usd, bool Priced);

public sealed record CostEstimate(string Currency, decimal Total, double GpuSeconds, IReadOnlyList<CostLine> Lines);
