namespace SlmFleet.Bench.Charts;

/// <summary>
/// Renders each known result file in a folder to <c>{stem}-{chart}.svg</c> beside it. A file that is
/// missing is skipped (a partial <c>make bench</c> run); one that does not parse fails the run, so a
/// broken benchmark output is not hidden behind stale charts.
/// </summary>
internal static class ChartRenderer
{
    private static readonly (string File, Func<ResultFile, IEnumerable<NamedChart>> Build)[] Renderers =
    [
        ("worker.json", WorkerCharts.Build),
        ("autoscaler.json", AutoscalerCharts.Build),
        ("autoscaler.json", ColdStartCharts.Build),
        ("router.json", RouterCharts.Build),
        ("router-streaming.json", StreamingCharts.Build),
        ("calibration.json", CalibrationCharts.Build),
        ("tokenizers.json", TokenizerCharts.Build),
    ];

    public static int RenderAll(string directory, string? pngDirectory, TextWriter output, TextWriter errors)
    {
        var failed = 0;
        foreach (var (name, build) in Renderers)
        {
            var path = Path.Combine(directory, name);
            if (!File.Exists(path))
            {
                output.WriteLine($"charts: {path} not found, skipped");
                continue;
            }

            try
            {
                var file = ResultFile.Load(path);
                foreach (var chart in build(file))
                {
                    var svg = Path.Combine(directory, $"{file.Stem}-{chart.Name}.svg");
                    ChartStyle.Save(chart, svg);
                    output.WriteLine($"charts: wrote {svg}");
                    if (pngDirectory is not null)
                    {
                        Directory.CreateDirectory(pngDirectory);
                        chart.Plot.SavePng(Path.Combine(pngDirectory, $"{file.Stem}-{chart.Name}.png"), chart.Width, chart.Height);
                    }
                }
            }
            catch (Exception ex) when (ex is System.Text.Json.JsonException or InvalidDataException or InvalidOperationException or FormatException)
            {
                errors.WriteLine($"charts: {path}: {ex.Message}");
                failed++;
            }
        }

        return failed == 0 ? 0 : 1;
    }
}
