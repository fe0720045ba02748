using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;

namespace SlmFleet.Chart.Tests;

[TestFixture]
public sealed class HelmLintTests
{
    [Test]
    public void Lint_DefaultValues_Passes()
    {
        var result = Helm.Run("lint", Helm.ChartDirectory, "--strict");

        result.ExitCode.Should().Be(0, result.Describe());
    }

    [Test]
    public void Lint_GpuProductionValues_Passes()
    {
        var result = Helm.Run("lint", Helm.ChartDirectory, "--strict", "-f", Path.Combine(Helm.ChartDirectory, "values-gpu-production.yaml"));

        result.ExitCode.Should().Be(0, result.Describe());
    }
}
