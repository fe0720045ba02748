using System.Text;
using FluentAssertions;
using NUnit.Framework;
using Prometheus;
using SlmFleet.Operator.RoutingPolicies;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

[TestFixture]
public sealed class PrometheusTextParserTests
{
    [Test]
    public void Parse_EscapedLabelValuesAndTimestamp_ReadsNameLabelsValue()
    {
        // Arrange
        const string Text = "# HELP x help\n# TYPE x counter\nx{a=\"q\\\"uote\",b=\"back\\\\slash\",c=\"new\\nline\"} 1.5e3 1700000000000\r\ny 7\n";

        // Act
        var samples = PrometheusTextParser.Parse(Text, null, out var skipped);

        // Assert
        skipped.Should().Be(0);
        samples.Should().HaveCount(2);
        samples[0].Name.Should().Be("x");
        samples[0].Labels.Should().BeEquivalentTo(new Dictionary<string, string> { ["a"] = "q\"uote", ["b"] = "back\\slash", ["c"] = "new\nline" });
        samples[0].Value.Should().Be(1500);
        samples[1].Labels.Should().BeEmpty();
        samples[1].Value.Should().Be(7);
    }

    [Test]
    public void Parse_SpecialValues_InfinityAndNaN()
    {
        // Act
        var samples = PrometheusTextParser.Parse("a +Inf\nb -Inf\nc NaN\n", null, out _);

        // Assert
        samples.Select(s => s.Value).Should().Equal(double.PositiveInfinity, double.NegativeInfinity, double.NaN);
    }

    [Test]
    public void Parse_FilterAndBrokenLines_SkipsUnwantedCountsBroken()
    {
        // Act
        var samples = PrometheusTextParser.Parse("keep{a=\"1\"} 1\ndrop 2\nkeep{a=\"unterminated} 3\nkeep{a=\"1\"} abc\n", n => n == "keep", out var skipped);

        // Assert
        samples.Should().ContainSingle().Which.Value.Should().Be(1);
        skipped.Should().Be(2);
    }

    [Test]
    public async Task Parse_PrometheusNetExport_ReadsWhatTheRouterLibraryWrites()
    {
        // Arrange: the routers export through prometheus-net; read its real output.
        var registry = Metrics.NewCustomRegistry();
        var factory = Metrics.WithCustomRegistry(registry);
        var requests = factory.CreateCounter("slm_router_requests_total", "help", "model", "route", "reason");
        requests.WithLabels("support-bot", "slm", "confident").Inc(41);
        requests.WithLabels("weird \"alias\"", "llm", "rule").Inc(2);
        factory.CreateCounter("slm_router_llm_spend_usd_total", "help", "model").WithLabels("support-bot").Inc(0.125);
        using var stream = new MemoryStream();
        await registry.CollectAndExportAsTextAsync(stream);

        // Act
        var samples = PrometheusTextParser.Parse(Encoding.UTF8.GetString(stream.ToArray()), RouterSeries.IsWanted, out var skipped);

        // Assert
        skipped.Should().Be(0);
        samples.Should().Contain(s => s.Name == RouterSeries.Requests && s.Label("model") == "support-bot" && s.Label("route") == "slm" && s.Value == 41);
        samples.Should().Contain(s => s.Name == RouterSeries.Requests && s.Label("model") == "weird \"alias\"" && s.Value == 2);
        samples.Should().Contain(s => s.Name == RouterSeries.Spend && s.Value == 0.125);
    }
}
