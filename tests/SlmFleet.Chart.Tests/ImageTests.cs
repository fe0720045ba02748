using System.Text.RegularExpressions;
using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;
using SlmFleet.Testing;

namespace SlmFleet.Chart.Tests;

[TestFixture]
public sealed class ImageTests
{
    [TestCase("operator/Dockerfile", "operator/SlmFleet.Operator/SlmFleet.Operator.csproj")]
    [TestCase("router/Dockerfile", "router/SlmFleet.Router/SlmFleet.Router.csproj")]
    public void Dockerfile_Component_IsMultiStageNonRootAndRunsTheAssembly(string dockerfile, string project)
    {
        var lines = File.ReadAllLines(Path.Combine(TestPaths.RepositoryRoot, dockerfile))
            .Select(l => l.Trim()).Where(l => l.Length > 0 && !l.StartsWith('#')).ToList();
        var assembly = Regex.Match(File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, project)), "<AssemblyName>(.+)</AssemblyName>").Groups[1].Value;

        var stages = lines.Where(l => l.StartsWith("FROM ", StringComparison.OrdinalIgnoreCase)).ToList();
        var finalStage = lines.Skip(lines.LastIndexOf(stages[^1])).ToList();
        var user = finalStage.LastOrDefault(l => l.StartsWith("USER ", StringComparison.OrdinalIgnoreCase));

        stages.Should().HaveCountGreaterThanOrEqualTo(2);
        stages[0].Should().StartWith("FROM mcr.microsoft.com/dotnet/sdk:10.0");
        stages[^1].Should().MatchRegex("^FROM mcr\\.microsoft\\.com/dotnet/(aspnet|runtime-deps):10\\.0");
        user.Should().NotBeNull("the final stage must set a non-root USER");
        new[] { "root", "0", "0:0" }.Should().NotContain(user!["USER ".Length..].Trim());
        finalStage.Should().Contain(l => l.StartsWith("ENTRYPOINT", StringComparison.Ordinal) && l.Contains(assembly, StringComparison.Ordinal));
    }

    [Test]
    public void ImagesScript_BuildsTheRepositoriesTheChartUses()
    {
        var script = File.ReadAllText(Path.Combine(TestPaths.RepositoryRoot, "scripts", "images.sh"));
        var values = File.ReadAllText(Path.Combine(Helm.ChartDirectory, "values.yaml"));

        foreach (var component in new[] { "operator", "router", "worker" })
        {
            var repository = Regex.Match(values, $"(?m)^  {component}:\\n    repository: (\\S+)").Groups[1].Value;
            repository.Should().NotBeEmpty();
            script.Should().Contain(repository[(repository.LastIndexOf('/') + 1)..], $"scripts/images.sh builds the {component} image");
        }

        script.Should().Contain("appVersion", "image tags default to the chart's appVersion, like the chart's images");
    }
}
