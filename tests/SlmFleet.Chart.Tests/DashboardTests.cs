using System.Text.Json.Nodes;
using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;
using SlmFleet.Chart.Tests.Metrics;

namespace SlmFleet.Chart.Tests;

[TestFixture]
public sealed class DashboardTests
{
    /// <summary>The rows issue 7 asks for, in order, plus the operator's own row.</summary>
    private static readonly string[] Rows =
    [
        "Utilization per SlmDeployment (60–80 % band)",
        "Replicas: ready / warming / desired",
        "Throughput (tokens/s)",
        "Time to first token (p50 / p99)",
        "Queue depth",
        "Escalation rate by reason",
        "Shadow agreement",
        "LLM spend vs budget",
        "Savings vs LLM-only",
        "Cost per 1M tokens",
        "Operator",
    ];

    private static JsonObject Dashboard() => ChartMetricUses.Dashboard(RenderedChart.For(RenderScenario.Default));

    [Test]
    public void ConfigMap_IsLabelledForTheGrafanaSidecar()
    {
        var configMap = KubernetesModels.ToModel<V1ConfigMap>(
            RenderedChart.For(RenderScenario.Default).OfKind("ConfigMap").Single(c => c.Name == "slm-fleet-dashboard"));

        configMap.Metadata.Labels.Should().Contain("grafana_dashboard", "1");
        configMap.Data.Should().ContainKey(ChartMetricUses.DashboardKey);
    }

    [Test]
    public void Dashboard_Rows_AreTheRequiredOnesInOrder()
    {
        var rows = ChartMetricUses.Panels(Dashboard()).Where(p => p["type"]!.GetValue<string>() == "row")
            .Select(p => p["title"]!.GetValue<string>());

        rows.Should().Equal(Rows);
    }

    [Test]
    public void Dashboard_Panels_HaveQueriesDescriptionsUniqueIdsAndTheDatasourceVariable()
    {
        var dashboard = Dashboard();
        var panels = ChartMetricUses.Panels(dashboard).ToList();
        var content = panels.Where(p => p["type"]!.GetValue<string>() != "row").ToList();

        dashboard["uid"]!.GetValue<string>().Should().Be("slm-fleet");
        panels.Select(p => p["id"]!.GetValue<int>()).Should().OnlyHaveUniqueItems();
        content.Should().OnlyContain(p => p["targets"]!.AsArray().Count > 0
            && p["targets"]!.AsArray().All(t => !string.IsNullOrWhiteSpace(t!["expr"]!.GetValue<string>())));
        content.Should().OnlyContain(p => !string.IsNullOrWhiteSpace(p["description"]!.GetValue<string>()));
        content.Should().OnlyContain(p => p["datasource"]!["uid"]!.GetValue<string>() == "${datasource}");
        dashboard["templating"]!["list"]!.AsArray().Select(v => v!["name"]!.GetValue<string>())
            .Should().Equal("datasource", "namespace", "deployment", "model");
    }

    [Test]
    public void Dashboard_UtilizationPanel_DrawsThe60To80PercentBand()
    {
        var panel = ChartMetricUses.Panels(Dashboard()).Single(p => p["title"]!.GetValue<string>() == "Utilization per SlmDeployment");

        var steps = panel["fieldConfig"]!["defaults"]!["thresholds"]!["steps"]!.AsArray()
            .Select(s => s!["value"]?.GetValue<double>()).ToList();

        steps.Should().Equal(null, 0.6, 0.8);
        panel["fieldConfig"]!["defaults"]!["custom"]!["thresholdsStyle"]!["mode"]!.GetValue<string>().Should().Be("line+area");
    }

    [Test]
    public void Dashboard_Rendered_HasNoUnreplacedMetricPlaceholders()
    {
        Dashboard().ToJsonString().Should().NotContain("@@");
    }

    [Test]
    public void Dashboard_UnknownPlaceholder_FailsTheRenderNamingIt()
    {
        var chartCopy = ChartFiles.CopyChart();
        var file = Path.Combine(chartCopy, "files", "dashboard.json");
        File.WriteAllText(file, File.ReadAllText(file).Replace("@@workerQueueDepth@@", "@@workerQueueDepthTypo@@", StringComparison.Ordinal));

        try
        {
            var result = RenderedChart.TryRender(RenderScenario.Default, chartCopy);

            result.ExitCode.Should().NotBe(0);
            result.StandardError.Should().Contain("@@workerQueueDepthTypo@@").And.Contain("files/metrics.yaml");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(chartCopy)!, recursive: true);
        }
    }

    [Test]
    public void DocsHelm_DescribesEveryDashboardRow()
    {
        var headings = MarkdownAnchors.Headings(File.ReadAllText(ChartFiles.OperationsDoc));

        Rows.Where(row => !headings.Contains(row)).Should().BeEmpty("docs/operations.md has a section per dashboard row, titled like the row");
    }
}
