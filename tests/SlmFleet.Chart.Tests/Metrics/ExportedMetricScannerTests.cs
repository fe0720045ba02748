using FluentAssertions;
using NUnit.Framework;

namespace SlmFleet.Chart.Tests.Metrics;

[TestFixture]
public sealed class ExportedMetricScannerTests
{
    private static MetricScanResult Scan(params string[] files) =>
        ExportedMetricScanner.Scan(files.Select((text, i) => new SourceFile($"src/File{i}.cs", text)).ToList());

    [Test]
    public void Scan_LiteralNames_ExportsEachKindsSeries()
    {
        var result = Scan("""
            static readonly Counter A = Metrics.CreateCounter("slm_x_total", "help", "route");
            static readonly Gauge B = Metrics.CreateGauge("slm_y", "help");
            static readonly Histogram C = Metrics.CreateHistogram("slm_z_seconds", "help", new HistogramConfiguration());
            static readonly Summary D = Metrics.CreateSummary("slm_s", "help");
            """);

        result.SeriesNames.Should().BeEquivalentTo([
            "slm_x_total", "slm_y", "slm_z_seconds_bucket", "slm_z_seconds_sum", "slm_z_seconds_count",
            "slm_s", "slm_s_sum", "slm_s_count"]);
        result.Unresolved.Should().BeEmpty();
    }

    [Test]
    public void Scan_ConstantsConcatenationAndInterpolation_ResolvesAcrossFiles()
    {
        var result = Scan(
            """
            internal static class MetricNames
            {
                public const string Prefix = "slm_router_";
                public const string Requests = Prefix + "requests_total";
                public static readonly string Spend = $"{Prefix}llm_spend_usd_total";
            }
            """,
            """
            internal sealed class RouterMetrics(IMetricFactory factory)
            {
                private readonly Counter _requests = factory.CreateCounter(MetricNames.Requests, "help");
                private readonly Counter _spend = Metrics.WithCustomRegistry(registry).CreateCounter(MetricNames.Spend, "help");
                private readonly Gauge _budget = factory.CreateGauge(MetricNames.Prefix + "budget_fraction", "help");
            }
            """);

        result.SeriesNames.Should().BeEquivalentTo(["slm_router_requests_total", "slm_router_llm_spend_usd_total", "slm_router_budget_fraction"]);
    }

    [Test]
    public void Scan_SameConstantNameInTwoClasses_UsesTheOneInTheSameFile()
    {
        var result = Scan(
            """class A { private const string Prefix = "slm_operator_"; Gauge g = Metrics.CreateGauge(Prefix + "up", "h"); }""",
            """class B { private const string Prefix = "slm_worker_"; Gauge g = Metrics.CreateGauge(Prefix + "up", "h"); }""");

        result.SeriesNames.Should().BeEquivalentTo(["slm_operator_up", "slm_worker_up"]);
    }

    [Test]
    public void Scan_CommentedOutCallsAndUrlsInStrings_AreHandled()
    {
        var result = Scan("""
            // Metrics.CreateCounter("slm_commented_total", "help");
            /* Metrics.CreateGauge("slm_block_commented", "help"); */
            var url = "http://example/CreateGauge(";
            var g = Metrics.CreateGauge("slm_real", "see http://example // not a comment");
            """);

        result.SeriesNames.Should().BeEquivalentTo(["slm_real"]);
        result.Unresolved.Should().BeEmpty();
    }

    [Test]
    public void Scan_HelperDeclarationAndParameterName_ReportsUnresolvedCallNotTheDeclaration()
    {
        var result = Scan("""
            private static Counter CreateCounter(string name) => Metrics.CreateCounter(name, "help");
            """);

        result.Metrics.Should().BeEmpty();
        result.Unresolved.Should().ContainSingle().Which.Should().Contain("src/File0.cs:1").And.Contain("CreateCounter(name");
    }

    [Test]
    public void Scan_MeterInstruments_AreReportedAsNotMatchable()
    {
        var result = Scan("""var c = meter.CreateCounter<long>("slm.worker.tokens");""");

        result.Metrics.Should().BeEmpty();
        result.Unresolved.Should().ContainSingle().Which.Should().Contain("System.Diagnostics.Metrics");
    }

    [Test]
    public void Scan_RemovedMetric_IsNoLongerExported()
    {
        var before = Scan("""var a = Metrics.CreateGauge("slm_a", "h"); var b = Metrics.CreateGauge("slm_b", "h");""");
        var after = Scan("""var a = Metrics.CreateGauge("slm_a", "h");""");

        before.SeriesNames.Should().Contain("slm_b");
        after.SeriesNames.Should().NotContain("slm_b");
    }
}
