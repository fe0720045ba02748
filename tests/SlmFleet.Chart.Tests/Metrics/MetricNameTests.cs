using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;
using SlmFleet.Testing;

namespace SlmFleet.Chart.Tests.Metrics;

[TestFixture]
public sealed class MetricNameTests
{
    private static readonly string[] SeriesSuffixes = ["", "_bucket", "_sum", "_count"];

    [Test]
    public void ChartMetrics_AlertsAndDashboard_AreAllExportedByTheCode()
    {
        // Names come from the code at test time: nothing here lists what the code exports.
        var scan = ExportedMetricScanner.ScanRepository(TestPaths.RepositoryRoot);
        var uses = ChartMetricUses.Collect(RenderedChart.For(RenderScenario.DefaultWithMonitoring));

        var missing = MetricCheck.Missing(uses, scan.SeriesNames);

        uses.Should().NotBeEmpty();
        if (missing.Count > 0)
        {
            Assert.Fail(MetricCheck.Describe(missing, scan));
        }
    }

    [Test]
    public void ChartMetrics_LabelsUsedByAlertsAndPanels_ExistOnTheirMetrics()
    {
        var scan = ExportedMetricScanner.ScanRepository(TestPaths.RepositoryRoot);
        var chart = RenderedChart.For(RenderScenario.DefaultWithMonitoring);
        var seriesLabels = MetricLabelCheck.SeriesLabels(scan, PodMonitorTargetLabels(chart));

        var problems = ChartMetricUses.Alerts(chart).Select(a => ($"alert {a.Alert}", a.Expression))
            .Concat(ChartMetricUses.DashboardQueries(chart))
            .SelectMany(e => MetricLabelCheck.Check(e.Item1, e.Item2, seriesLabels))
            .Distinct()
            .ToList();

        problems.Should().BeEmpty("every label an alert or a panel filters or groups by must exist on its metrics (labels read from the code)");
    }

    [Test]
    public void LabelCheck_GroupingByALabelNoMetricHas_IsReported()
    {
        var scan = ExportedMetricScanner.Scan([new SourceFile("router/R.cs",
            """var c = factory.CreateCounter("slm_router_escalations_total", "help", "model", "reason");""")]);
        var labels = MetricLabelCheck.SeriesLabels(scan, new HashSet<string>());

        var problems = MetricLabelCheck.Check("alert A", "sum by (policy) (rate(slm_router_escalations_total{reason=\"timeout\", route=\"slm\"}[5m]))", labels).ToList();

        problems.Should().HaveCount(2);
        problems.Should().Contain(p => p.Contains("by (policy)") && p.Contains("model, reason"));
        problems.Should().Contain(p => p.Contains("no label 'route'"));
    }

    [Test]
    public void LabelCheck_WorkerSeries_GetThePodMonitorsRelabeledLabels()
    {
        var scan = ExportedMetricScanner.Scan([new SourceFile("inference-worker/W.cs",
            """var h = factory.CreateHistogram("slm_worker_ttft_seconds", "help", new HistogramConfiguration { Buckets = [1, 2] });""")]);
        var labels = MetricLabelCheck.SeriesLabels(scan, new HashSet<string> { "deployment" });

        var problems = MetricLabelCheck.Check("panel P", "histogram_quantile(0.99, sum by (namespace, deployment, le) (rate(slm_worker_ttft_seconds_bucket[5m])))", labels);

        problems.Should().BeEmpty();
    }

    private static HashSet<string> PodMonitorTargetLabels(RenderedChart chart) =>
        chart.OfKind("PodMonitor")
            .SelectMany(m => m.Content["spec"]!["podMetricsEndpoints"]!.AsArray())
            .SelectMany(e => e!["relabelings"]?.AsArray() ?? [])
            .Select(r => r!["targetLabel"]!.GetValue<string>())
            .ToHashSet(StringComparer.Ordinal);

    [Test]
    public void ChartMetrics_AlertsAndDashboard_UseOnlyNamesFromTheMetricsFile()
    {
        var known = ChartFiles.MetricNames().Values
            .SelectMany(name => SeriesSuffixes.Select(suffix => name + suffix))
            .ToHashSet(StringComparer.Ordinal);
        var uses = ChartMetricUses.Collect(RenderedChart.For(RenderScenario.DefaultWithMonitoring));

        uses.Where(use => !known.Contains(use.Name)).Should().BeEmpty(
            "charts/slm-fleet/files/metrics.yaml is the one place the chart names metrics");
    }

    [Test]
    public void MetricsFile_EveryName_IsUsedByAnAlertOrAPanel()
    {
        var used = ChartMetricUses.Collect(RenderedChart.For(RenderScenario.DefaultWithMonitoring))
            .Select(use => use.Name)
            .ToHashSet(StringComparer.Ordinal);

        var unused = ChartFiles.MetricNames().Where(entry => !SeriesSuffixes.Any(suffix => used.Contains(entry.Value + suffix)));

        unused.Should().BeEmpty("a name in files/metrics.yaml that nothing uses is stale");
    }

    [Test]
    public void MetricCheck_NameTheCodeDoesNotExport_IsReportedWithItsUses()
    {
        var uses = ChartMetricUses.Collect(RenderedChart.For(RenderScenario.DefaultWithMonitoring));
        var exported = uses.Select(use => use.Name).Where(name => name != "slm_worker_queue_depth").ToHashSet(StringComparer.Ordinal);

        var missing = MetricCheck.Missing(uses, exported);

        missing.Keys.Should().Equal("slm_worker_queue_depth");
        missing["slm_worker_queue_depth"].Should().Contain("panel 'Queue depth per SlmDeployment'");
        MetricCheck.Describe(missing, new MetricScanResult([], [], 0)).Should().Contain("MISSING slm_worker_queue_depth");
    }

    [Test]
    public void DocsHelm_ListsEveryMetricTheChartNeeds()
    {
        var doc = File.ReadAllText(ChartFiles.OperationsDoc);

        ChartFiles.MetricNames().Values.Where(name => !doc.Contains($"`{name}`", StringComparison.Ordinal))
            .Should().BeEmpty("docs/operations.md lists the metrics the alerts and the dashboard need");
    }
}
