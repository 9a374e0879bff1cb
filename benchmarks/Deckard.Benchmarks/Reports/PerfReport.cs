using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;

namespace Deckard.Benchmarks.Reports;

/// <summary>Which way a figure improves; a floor is a reference measured in the same run, with no direction.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<Direction>))]
public enum Direction
{
    Lower,
    Higher,
    Floor,
}

/// <summary>One measured figure: a stable key (what <c>compare</c> matches on), how to read it, and its target if it has one.</summary>
public sealed record PerfFigure(string Key, string Label, string Unit, double Value, Direction Better, double? Target = null)
{
    /// <summary>Null for a floor or a figure with no target.</summary>
    public bool? Met => Target is not { } target || Better == Direction.Floor || double.IsNaN(Value)
        ? null
        : Better == Direction.Lower ? Value <= target : Value >= target;
}

/// <summary>A benchmark run's figures and the machine they were measured on, written as JSON so two runs can be compared.</summary>
public sealed record PerfReport(DateTimeOffset MeasuredAt, int Cores, string Machine, string? Commit, IReadOnlyList<PerfFigure> Figures)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        WriteIndented = true,
        NumberHandling = JsonNumberHandling.AllowNamedFloatingPointLiterals,
    };

    public string ToJson() => JsonSerializer.Serialize(this, Json);

    public static PerfReport FromJson(string json) =>
        JsonSerializer.Deserialize<PerfReport>(json, Json) ?? throw new InvalidDataException("The file holds no benchmark report.");

    /// <summary>The figures as a table: value, target and whether it is met.</summary>
    public string ToTable()
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"Measured {MeasuredAt:yyyy-MM-dd HH:mm} UTC on {Cores} cores ({Machine}){(Commit is null ? "" : $", commit {Commit}")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"{"measure",-66} {"value",10} {"target",10}  met");
        foreach (var figure in Figures)
        {
            var target = figure.Target is { } value ? (figure.Better == Direction.Lower ? "<= " : ">= ") + Format(value) : "";
            var met = figure.Met switch { true => "yes", false => "NO", null => figure.Better == Direction.Floor ? "floor" : "" };
            text.AppendLine(CultureInfo.InvariantCulture, $"{$"{figure.Label} ({figure.Unit})",-66} {Format(figure.Value),10} {target,10}  {met}");
        }

        return text.ToString();
    }

    /// <summary>
    /// Each figure of <paramref name="after"/> beside the same key in <paramref name="before"/>: the change in percent and
    /// whether it is better or worse (changes within <paramref name="noise"/> percent count as the same).
    /// </summary>
    public static string Compare(PerfReport before, PerfReport after, double noise = 5)
    {
        var text = new StringBuilder();
        text.AppendLine(CultureInfo.InvariantCulture, $"before: {before.MeasuredAt:yyyy-MM-dd HH:mm} UTC, {before.Cores} cores{(before.Commit is null ? "" : $", {before.Commit}")}");
        text.AppendLine(CultureInfo.InvariantCulture, $"after:  {after.MeasuredAt:yyyy-MM-dd HH:mm} UTC, {after.Cores} cores{(after.Commit is null ? "" : $", {after.Commit}")}");
        if (before.Cores != after.Cores)
        {
            text.AppendLine("note: the runs were on machines with different core counts");
        }

        text.AppendLine(CultureInfo.InvariantCulture, $"{"measure",-66} {"before",10} {"after",10} {"change",9}");
        var earlier = before.Figures.ToDictionary(figure => figure.Key);
        foreach (var figure in after.Figures)
        {
            if (!earlier.Remove(figure.Key, out var old))
            {
                text.AppendLine(CultureInfo.InvariantCulture, $"{$"{figure.Label} ({figure.Unit})",-66} {"-",10} {Format(figure.Value),10} {"new",9}");
                continue;
            }

            var change = old.Value == 0 ? double.NaN : (figure.Value - old.Value) / Math.Abs(old.Value) * 100;
            text.AppendLine(CultureInfo.InvariantCulture,
                $"{$"{figure.Label} ({figure.Unit})",-66} {Format(old.Value),10} {Format(figure.Value),10} {FormatChange(change),9}  {Verdict(figure.Better, change, noise)}");
        }

        foreach (var gone in earlier.Values)
        {
            text.AppendLine(CultureInfo.InvariantCulture, $"{$"{gone.Label} ({gone.Unit})",-66} {Format(gone.Value),10} {"-",10} {"gone",9}");
        }

        return text.ToString();
    }

    /// <summary>Better, worse or the same, from the figure's direction; a floor only shows whether the machine moved.</summary>
    public static string Verdict(Direction better, double changePercent, double noise)
    {
        if (double.IsNaN(changePercent) || Math.Abs(changePercent) <= noise)
        {
            return "same";
        }

        return better switch
        {
            Direction.Floor => "floor moved",
            Direction.Lower => changePercent < 0 ? "better" : "worse",
            _ => changePercent > 0 ? "better" : "worse",
        };
    }

    private static string FormatChange(double change) =>
        double.IsNaN(change) ? "-" : change.ToString("+0.0;-0.0;0.0", CultureInfo.InvariantCulture) + "%";

    private static string Format(double value) => double.IsNaN(value)
        ? "-"
        : value.ToString(Math.Abs(value) >= 100 ? "0" : "0.00", CultureInfo.InvariantCulture);
}
