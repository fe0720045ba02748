using System.Text;
using FluentAssertions;
using NUnit.Framework;
using Prometheus;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.Tests.Autoscaling;

[TestFixture]
public sealed class AutoscalerMetricsTests
{
    private static async Task<string> ScrapeAsync(CollectorRegistry registry)
    {
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }

    [Test]
    public async Task Report_ExportsGaugesPerDeployment()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new AutoscalerMetrics(registry);

        metrics.Report("ml", "qwen", ready: 2, warming: 1, desired: 3, min: 1, utilization: 0.75, costPerMillionTokens: 0.5, warmupOverdue: 1);

        var text = await ScrapeAsync(registry);
        text.Should().Contain("slm_operator_slmdeployment_replicas{namespace=\"ml\",deployment=\"qwen\",state=\"ready\"} 2")
            .And.Contain("slm_operator_slmdeployment_replicas{namespace=\"ml\",deployment=\"qwen\",state=\"warming\"} 1")
            .And.Contain("slm_operator_slmdeployment_replicas{namespace=\"ml\",deployment=\"qwen\",state=\"desired\"} 3")
            .And.Contain("slm_operator_slmdeployment_replicas{namespace=\"ml\",deployment=\"qwen\",state=\"min\"} 1")
            .And.Contain("slm_operator_slmdeployment_utilization{namespace=\"ml\",deployment=\"qwen\"} 0.75")
            .And.Contain("slm_operator_slmdeployment_cost_per_million_tokens{namespace=\"ml\",deployment=\"qwen\"} 0.5")
            .And.Contain("slm_operator_slmdeployment_warmup_overdue_replicas{namespace=\"ml\",deployment=\"qwen\"} 1");
    }

    [Test]
    public async Task Report_UnknownUtilization_RemovesItsSeries()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new AutoscalerMetrics(registry);
        metrics.Report("ml", "qwen", 2, 0, 2, 1, 0.75, 0.5, 0);

        metrics.Report("ml", "qwen", 2, 0, 2, 1, null, null, 0);

        var text = await ScrapeAsync(registry);
        text.Should().NotContain("slm_operator_slmdeployment_utilization{").And.NotContain("slm_operator_slmdeployment_cost_per_million_tokens{");
    }

    [Test]
    public async Task RemoveAllBut_DeletedDeployment_RemovesOnlyItsSeries()
    {
        var registry = Metrics.NewCustomRegistry();
        var metrics = new AutoscalerMetrics(registry);
        metrics.Report("ml", "gone", 1, 0, 1, 1, 0.5, 1, 0);
        metrics.Report("ml", "kept", 1, 0, 1, 1, 0.5, 1, 0);

        metrics.RemoveAllBut(new HashSet<(string, string)> { ("ml", "kept") });

        var text = await ScrapeAsync(registry);
        text.Should().NotContain("deployment=\"gone\"").And.Contain("deployment=\"kept\"");
    }
}
