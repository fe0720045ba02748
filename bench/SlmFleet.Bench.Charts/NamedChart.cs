using ScottPlot;

namespace SlmFleet.Bench.Charts;

/// <summary>One chart to write as <c>{results stem}-{Name}.svg</c>.</summary>
internal sealed record NamedChart(string Name, Plot Plot, int Width = 900, int Height = 520);
