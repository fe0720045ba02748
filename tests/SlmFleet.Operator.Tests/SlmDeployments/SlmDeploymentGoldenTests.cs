using FluentAssertions;
using k8s;
using NUnit.Framework;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Tests.SlmDeployments;

[TestFixture]
public sealed class SlmDeploymentGoldenTests
{
    private static readonly string[] Cases = ["phi3-a10g", "qwen-t4", "cpu-demo", "does-not-fit", "min-gt-max", "pvc-cache"];

    [TestCaseSource(nameof(Cases))]
    public void Compute_Case_MatchesGoldenFiles(string name)
    {
        // Arrange
        var golden = new GoldenCase(name);
        var planner = new SlmDeploymentPlanner(AcceleratorCatalog.Default, new SlmDeploymentOptions { WorkerImage = "ghcr.io/slmfleet/slm-worker:0.1.0" });

        // Act
        var plan = planner.Compute(golden.LoadObserved());

        // Assert
        var rendered = new Dictionary<string, string?>
        {
            ["deployment.yaml"] = plan.Deployment is null ? null : Text(plan.Deployment.Desired),
            ["service.yaml"] = plan.Service is null ? null : Text(plan.Service.Desired),
            ["pdb.yaml"] = plan.DisruptionBudget is null ? null : Text(plan.DisruptionBudget.Desired),
            ["status.yaml"] = Text(plan.Status),
            ["events.yaml"] = Text(plan.Events),
        };
        foreach (var (file, actual) in rendered)
        {
            if (GoldenCase.Update)
            {
                golden.Write(file, actual);
                continue;
            }

            actual.Should().Be(golden.Expected(file), $"{name}/{file} must match the reviewed golden file (UPDATE_GOLDEN=1 rewrites it)");
        }
    }

    // Files end with a newline (.editorconfig); KubernetesYaml does not add one.
    private static string Text(object value) => KubernetesYaml.Serialize(value) + "\n";
}
