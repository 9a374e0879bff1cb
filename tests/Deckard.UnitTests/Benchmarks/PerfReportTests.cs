using Deckard.Benchmarks.Reports;

namespace Deckard.UnitTests.Benchmarks;

/// <summary>The benchmark's JSON report and its compare mode (the file is shared by source with Deckard.Benchmarks).</summary>
public sealed class PerfReportTests
{
    private static readonly DateTimeOffset Monday = new(2026, 12, 7, 0, 0, 0, TimeSpan.Zero);

    [Fact]
    public void A_report_survives_its_json()
    {
        var report = Report("abc1234", ("pipeline.overhead.p50", 12.5, Direction.Lower, 2.5), ("floor.postgres_insert", 0.4, Direction.Floor, null));

        var read = PerfReport.FromJson(report.ToJson());

        Assert.Equal(report.Commit, read.Commit);
        Assert.Equal(report.Cores, read.Cores);
        Assert.Equal(report.Figures, read.Figures);
    }

    [Theory]
    [InlineData(Direction.Lower, 12.0, 10.0, false)]
    [InlineData(Direction.Lower, 9.0, 10.0, true)]
    [InlineData(Direction.Higher, 450.0, 500.0, false)]
    [InlineData(Direction.Higher, 510.0, 500.0, true)]
    public void A_target_is_met_in_the_figures_direction(Direction better, double value, double target, bool met)
    {
        Assert.Equal(met, new PerfFigure("k", "label", "ms", value, better, target).Met);
    }

    [Fact]
    public void A_floor_or_a_figure_without_target_is_neither_met_nor_missed()
    {
        Assert.Null(new PerfFigure("k", "floor", "ms", 1, Direction.Floor, 2).Met);
        Assert.Null(new PerfFigure("k", "breakdown", "ms", 1, Direction.Lower).Met);
    }

    [Theory]
    [InlineData(Direction.Lower, -20.0, "better")]
    [InlineData(Direction.Lower, 20.0, "worse")]
    [InlineData(Direction.Higher, 20.0, "better")]
    [InlineData(Direction.Higher, -20.0, "worse")]
    [InlineData(Direction.Lower, 3.0, "same")]
    [InlineData(Direction.Floor, 30.0, "floor moved")]
    public void A_change_is_judged_by_the_figures_direction_beyond_the_noise(Direction better, double change, string verdict)
    {
        Assert.Equal(verdict, PerfReport.Verdict(better, change, noise: 5));
    }

    [Fact]
    public void Compare_prints_each_figure_with_its_change_and_names_new_and_gone_ones()
    {
        var before = Report("old", ("throughput", 100, Direction.Higher, 500), ("overhead", 20, Direction.Lower, 2.5), ("retired", 1, Direction.Lower, null));
        var after = Report("new", ("throughput", 150, Direction.Higher, 500), ("overhead", 10, Direction.Lower, 2.5), ("added", 3, Direction.Lower, null));

        var lines = PerfReport.Compare(before, after).Split('\n');

        Assert.Contains(lines, line => line.StartsWith("throughput", StringComparison.Ordinal) && line.Contains("+50.0%", StringComparison.Ordinal) && line.TrimEnd().EndsWith("better", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("overhead", StringComparison.Ordinal) && line.Contains("-50.0%", StringComparison.Ordinal) && line.TrimEnd().EndsWith("better", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("added", StringComparison.Ordinal) && line.TrimEnd().EndsWith("new", StringComparison.Ordinal));
        Assert.Contains(lines, line => line.StartsWith("retired", StringComparison.Ordinal) && line.TrimEnd().EndsWith("gone", StringComparison.Ordinal));
    }

    [Fact]
    public void The_table_marks_each_target_met_or_missed()
    {
        var table = Report("c", ("fast enough", 2, Direction.Lower, 2.5), ("too slow", 12, Direction.Lower, 2.5)).ToTable();

        Assert.Contains("on 2 cores", table, StringComparison.Ordinal);
        Assert.Matches(@"fast enough \(ms\)\s+2\.00\s+<= 2\.50\s+yes", table);
        Assert.Matches(@"too slow \(ms\)\s+12\.00\s+<= 2\.50\s+NO", table);
    }

    private static PerfReport Report(string commit, params (string Key, double Value, Direction Better, double? Target)[] figures) =>
        new(Monday, 2, "test machine", commit, [.. figures.Select(f => new PerfFigure(f.Key, f.Key, "ms", f.Value, f.Better, f.Target))]);
}
