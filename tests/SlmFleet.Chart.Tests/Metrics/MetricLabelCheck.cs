using System.Text.RegularExpressions;

namespace SlmFleet.Chart.Tests.Metrics;

/// <summary>
/// Checks the labels a PromQL expression relies on against the labels the code gives its metrics plus the
/// labels the scrape adds. A label matcher (metric{label=...}) must name a label of that metric; a grouping
/// label (by, without, on, ignoring, group_left/right) must exist on at least one metric of the expression.
/// Expressions with a metric the code does not export are left to the name check.
/// </summary>
internal static partial class MetricLabelCheck
{
    /// <summary>Labels Prometheus Operator's ServiceMonitor and PodMonitor put on every scraped series.</summary>
    public static IReadOnlySet<string> ScrapeLabels { get; } =
        new HashSet<string>(StringComparer.Ordinal) { "job", "instance", "namespace", "pod", "service", "container", "endpoint" };

    /// <summary>Series name → labels, for every series the scan found; worker series also get the PodMonitor's relabeled labels.</summary>
    public static IReadOnlyDictionary<string, IReadOnlySet<string>> SeriesLabels(MetricScanResult scan, IReadOnlySet<string> workerRelabeled)
    {
        var result = new Dictionary<string, IReadOnlySet<string>>(StringComparer.Ordinal);
        foreach (var metric in scan.Metrics)
        {
            var isWorker = metric.File.StartsWith("inference-worker", StringComparison.Ordinal);
            foreach (var series in metric.SeriesNames)
            {
                var labels = new HashSet<string>(metric.Labels, StringComparer.Ordinal);
                labels.UnionWith(ScrapeLabels);
                if (isWorker)
                {
                    labels.UnionWith(workerRelabeled);
                }

                if (series.EndsWith("_bucket", StringComparison.Ordinal) && metric.Kind == MetricKind.Histogram)
                {
                    labels.Add("le");
                }

                if (metric.Kind == MetricKind.Summary && series == metric.Name)
                {
                    labels.Add("quantile");
                }

                result[series] = result.TryGetValue(series, out var existing) ? labels.Union(existing).ToHashSet() : labels;
            }
        }

        return result;
    }

    /// <summary>Problems with the labels of one expression, each naming the label, where it is used and what exists.</summary>
    public static IEnumerable<string> Check(string where, string expression, IReadOnlyDictionary<string, IReadOnlySet<string>> seriesLabels)
    {
        var metrics = PromQlMetricNames.Extract(expression);
        if (metrics.Any(m => !seriesLabels.ContainsKey(m)))
        {
            yield break;
        }

        var withoutStrings = StringLiteral().Replace(expression, "\"\"");
        foreach (Match selector in Selector().Matches(withoutStrings))
        {
            var metric = selector.Groups["metric"].Value;
            if (!seriesLabels.TryGetValue(metric, out var labels))
            {
                continue;
            }

            foreach (Match matcher in Matcher().Matches(selector.Groups["matchers"].Value))
            {
                var label = matcher.Groups["label"].Value;
                if (!labels.Contains(label))
                {
                    yield return $"{where}: {metric}{{{label}=...}} — {metric} has no label '{label}' (it has: {Describe(labels)})";
                }
            }
        }

        var union = metrics.SelectMany(m => seriesLabels[m]).ToHashSet(StringComparer.Ordinal);
        foreach (Match clause in Grouping().Matches(withoutStrings))
        {
            foreach (var label in clause.Groups["labels"].Value.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                if (!union.Contains(label))
                {
                    yield return $"{where}: {clause.Groups["keyword"].Value} ({label}) — no metric of the expression has label '{label}' "
                        + $"({string.Join("; ", metrics.Order(StringComparer.Ordinal).Select(m => $"{m}: {Describe(seriesLabels[m])}"))})";
                }
            }
        }
    }

    private static string Describe(IReadOnlySet<string> labels) =>
        string.Join(", ", labels.Where(l => !ScrapeLabels.Contains(l)).Order(StringComparer.Ordinal)) + " + scrape labels";

    [GeneratedRegex("\"(?:[^\"\\\\]|\\\\.)*\"")]
    private static partial Regex StringLiteral();

    [GeneratedRegex(@"(?<metric>[a-zA-Z_:][a-zA-Z0-9_:]*)\s*\{(?<matchers>[^{}]*)\}")]
    private static partial Regex Selector();

    [GeneratedRegex(@"(?<label>[a-zA-Z_][a-zA-Z0-9_]*)\s*(=~|!~|!=|=)")]
    private static partial Regex Matcher();

    [GeneratedRegex(@"\b(?<keyword>by|without|on|ignoring|group_left|group_right)\s*\((?<labels>[^()]*)\)")]
    private static partial Regex Grouping();
}
