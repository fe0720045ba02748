using FluentAssertions;
using NUnit.Framework;

namespace SlmFleet.Chart.Tests.Metrics;

[TestFixture]
public sealed class PromQlMetricNamesTests
{
    [TestCase("slm_a", new[] { "slm_a" })]
    [TestCase("sum by (namespace, deployment) (rate(slm_b_total{route=\"slm\", reason=~\"a|b\"}[5m]))", new[] { "slm_b_total" })]
    [TestCase("histogram_quantile(0.99, sum by (le) (rate(slm_c_bucket[$__rate_interval]))) > 1.5", new[] { "slm_c_bucket" })]
    [TestCase("avg(x and on (namespace, pod) (y == 1)) unless on (d) z offset 5m", new[] { "x", "y", "z" })]
    [TestCase("sum(rate(a[1h])) / on (policy) group_left sum(rate(b[1h])) > 0.25e1", new[] { "a", "b" })]
    [TestCase("max by (policy) (avg_over_time(slm_d{policy=~\"$policy\"}[7d])) - 0.05", new[] { "slm_d" })]
    [TestCase("label_values(slm_e{namespace=~\"$namespace\"}, deployment)", new[] { "slm_e" })]
    [TestCase("sum(increase(slm_f[$__range])) + sum(increase(slm_g[1h]))", new[] { "slm_f", "slm_g" })]
    public void Extract_Expression_ReturnsTheSelectedMetrics(string expression, string[] expected)
    {
        PromQlMetricNames.Extract(expression).Should().BeEquivalentTo(expected);
    }
}
