namespace Deckard.Benchmarks;

internal static class Percentiles
{
    public static double Of(IReadOnlyCollection<double> values, double percentile)
    {
        var sorted = values.Order().ToList();
        if (sorted.Count == 0)
        {
            return double.NaN;
        }

        var rank = (int)Math.Ceiling(percentile / 100 * sorted.Count) - 1;
        return sorted[Math.Clamp(rank, 0, sorted.Count - 1)];
    }
}
