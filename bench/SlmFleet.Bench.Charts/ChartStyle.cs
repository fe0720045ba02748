using System.Globalization;
using ScottPlot;
using ScottPlot.TickGenerators;

namespace SlmFleet.Bench.Charts;

/// <summary>
/// The look every chart shares: a title with the run's date and machine under it, labelled axes,
/// one palette (ours first, peers after, the reference last), grouped bars with their values written
/// on them, and a log₁₀ axis for figures that span orders of magnitude.
/// </summary>
internal static class ChartStyle
{
    private static readonly ScottPlot.Palettes.Category10 Palette = new ScottPlot.Palettes.Category10();

    public static Color Series(int index) => Palette.GetColor(index);

    /// <summary>A plot with a two-line title (what, then when and where) and both axis labels (with units).</summary>
    public static Plot Create(string title, string subtitle, string xLabel, string yLabel)
    {
        var plot = new Plot();
        plot.Title(title, size: 16);
        // A second title panel, smaller and not bold, under the title: when and where the numbers come from.
        var under = new ScottPlot.Panels.TitlePanel();
        under.Label.Text = subtitle;
        under.Label.FontSize = 12;
        under.Label.Bold = false;
        under.Label.ForeColor = Colors.Black.WithAlpha(0.75);
        plot.Axes.AddPanel(under);
        plot.XLabel(xLabel, size: 13);
        plot.YLabel(yLabel, size: 13);
        plot.Legend.FontSize = 12;
        return plot;
    }

    /// <summary>
    /// Bars grouped by category (x), one bar per series in each group, each labelled with its value;
    /// a NaN value leaves its slot empty. Returns nothing: the legend gets one entry per series.
    /// </summary>
    public static void GroupedBars(Plot plot, IReadOnlyList<string> categories, IReadOnlyList<(string Name, double[] Values)> series, string format, bool log = false)
    {
        var bars = new List<Bar>();
        var width = 0.8 / series.Count;
        var floor = log ? LogFloor(series) : 0;
        for (var s = 0; s < series.Count; s++)
        {
            for (var c = 0; c < categories.Count; c++)
            {
                var value = series[s].Values[c];
                if (double.IsNaN(value))
                {
                    continue;
                }

                bars.Add(new Bar
                {
                    Position = c + ((s - ((series.Count - 1) / 2.0)) * width),
                    // On a log axis the bar's height is log10(value) above the floor decade, so every bar grows
                    // upwards from 0 (ScottPlot puts a negative bar's value label below it).
                    Value = log ? Math.Log10(value) - floor : value,
                    Size = width * 0.92,
                    FillColor = Series(s),
                    Label = value.ToString(format, CultureInfo.InvariantCulture),
                });
            }

            plot.Legend.ManualItems.Add(new LegendItem { LabelText = series[s].Name, FillColor = Series(s) });
        }

        var barPlot = plot.Add.Bars(bars);
        barPlot.ValueLabelStyle.FontSize = 11;
        plot.Axes.Bottom.TickGenerator = new NumericManual([.. Enumerable.Range(0, categories.Count).Select(i => (double)i)], [.. categories]);
        plot.Axes.Bottom.MajorTickStyle.Length = 0;
        plot.HideGrid();
        plot.Grid.YAxisStyle.IsVisible = true;
        if (log)
        {
            LogAxis(plot, floor);
            plot.Axes.SetLimitsY(0, Math.Log10(series.SelectMany(s => s.Values).Where(v => !double.IsNaN(v)).Max()) - floor + 0.4);
        }
        else
        {
            plot.Axes.Margins(bottom: 0, top: 0.15);
        }

        // Below the data area, so a legend never hides a bar or its value.
        plot.ShowLegend(Edge.Bottom);
        plot.Legend.Orientation = Orientation.Horizontal;
    }

    /// <summary>Left axis in log₁₀ units above <paramref name="floor"/> (a whole decade), labelled with the plain values (1, 10, 100 …), minor ticks at 2–9.</summary>
    public static void LogAxis(Plot plot, double floor)
    {
        plot.Axes.Left.TickGenerator = new NumericAutomatic
        {
            MinorTickGenerator = new LogMinorTickGenerator(),
            IntegerTicksOnly = true,
            LabelFormatter = y => Math.Pow(10, y + floor).ToString("G6", CultureInfo.InvariantCulture),
        };
    }

    /// <summary>Where <paramref name="value"/> sits on a log chart drawn by <see cref="GroupedBars"/> (for reference lines).</summary>
    public static double LogPosition(double value, IReadOnlyList<(string Name, double[] Values)> series) => Math.Log10(value) - LogFloor(series);

    public static void Save(NamedChart chart, string path) => chart.Plot.SaveSvg(path, chart.Width, chart.Height);

    /// <summary>One decade below the smallest value, so every bar has a visible height on a log axis.</summary>
    private static double LogFloor(IReadOnlyList<(string Name, double[] Values)> series) =>
        Math.Floor(Math.Log10(series.SelectMany(s => s.Values).Where(v => !double.IsNaN(v) && v > 0).Min()) - 0.25);
}
