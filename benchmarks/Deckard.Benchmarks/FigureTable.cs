using System.Globalization;

namespace Deckard.Benchmarks;

/// <summary>How every benchmark prints a figure: a label, then p50 and p99 (blank when there is no p99).</summary>
internal static class FigureTable
{
    public static void Row(string label, double p50, double p99, int labelWidth, string format = "0.00") =>
        Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{label.PadRight(labelWidth)} {p50.ToString(format, CultureInfo.InvariantCulture),10} {(double.IsNaN(p99) ? "" : p99.ToString(format, CultureInfo.InvariantCulture)),10}"));
}
