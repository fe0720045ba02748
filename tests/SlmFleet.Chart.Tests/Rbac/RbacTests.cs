using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;
using SlmFleet.Operator.Rbac;

namespace SlmFleet.Chart.Tests.Rbac;

[TestFixture]
public sealed class RbacTests
{
    private static readonly HashSet<string> KubernetesVerbs =
        ["get", "list", "watch", "create", "update", "patch", "delete", "deletecollection"];

    private static IEnumerable<TestCaseData> Scenarios() =>
        RenderScenario.All.Select(s => new TestCaseData(s.Name).SetArgDisplayNames(s.Name));

    private static string ServiceAccountOf(RenderedChart chart, string deployment) =>
        KubernetesModels.ToModel<V1Deployment>(chart.Single("Deployment", deployment)).Spec.Template.Spec.ServiceAccountName;

    [TestCaseSource(nameof(Scenarios))]
    public void OperatorRules_Scenario_EqualTheCodesDeclaration(string scenario)
    {
        var chart = RenderedChart.For(RenderScenario.All.Single(s => s.Name == scenario));

        var granted = ChartRbac.GrantedTo(chart, ServiceAccountOf(chart, "slm-fleet-operator"));
        var comparison = RbacComparison.Compare(RbacPermission.From(OperatorRbac.Rules), granted);

        comparison.Matches.Should().BeTrue(comparison.Describe("operator"));
    }

    [TestCaseSource(nameof(Scenarios))]
    public void RouterRules_Scenario_EqualTheCodesDeclaration(string scenario)
    {
        var chart = RenderedChart.For(RenderScenario.All.Single(s => s.Name == scenario));

        var granted = ChartRbac.GrantedTo(chart, ServiceAccountOf(chart, "slm-fleet-router"));
        var comparison = RbacComparison.Compare(RbacPermission.From(RouterRbac.Rules), granted);

        comparison.Matches.Should().BeTrue(comparison.Describe("router"));
    }

    [Test]
    public void SecretNamespaces_Set_MovesSecretAccessIntoRolesOfThoseNamespacesOnly()
    {
        var chart = RenderedChart.For(RenderScenario.AllOptions);

        var clusterRole = KubernetesModels.ToModel<V1ClusterRole>(chart.Single("ClusterRole", "slm-fleet-operator"));
        var secretRoles = chart.OfKind("Role").Where(r => r.Name == "slm-fleet-operator-secrets").ToList();

        clusterRole.Rules.Should().NotContain(r => r.Resources.Contains("secrets"));
        secretRoles.Select(r => r.Namespace).Should().BeEquivalentTo(["team-a", "team-b"]);
    }

    [Test]
    public void RbacCheck_RuleRemovedFromChart_ReportsTheMissingCall()
    {
        // Arrange: a copy of the chart whose rule file lacks the finalizers rule.
        var chartCopy = ChartFiles.CopyChart();
        var rulesFile = Path.Combine(chartCopy, "files", "rbac", "operator.yaml");
        var text = File.ReadAllText(rulesFile);
        const string finalizersRule = "  - apiGroups: [\"slmfleet.io\"]\n    resources: [\"slmdeployments/finalizers\"]\n    verbs: [\"update\"]\n";
        text.Should().Contain(finalizersRule);
        File.WriteAllText(rulesFile, text.Replace(finalizersRule, string.Empty, StringComparison.Ordinal));

        try
        {
            // Act
            var chart = RenderedChart.Render(RenderScenario.Default, chartCopy);
            var comparison = RbacComparison.Compare(
                RbacPermission.From(OperatorRbac.Rules), ChartRbac.GrantedTo(chart, ServiceAccountOf(chart, "slm-fleet-operator")));

            // Assert
            comparison.Matches.Should().BeFalse();
            comparison.MissingFromChart.Should().Equal(new RbacPermission("slmfleet.io", "slmdeployments/finalizers", "update", RbacScope.Cluster));
            comparison.Describe("operator").Should().Contain("update slmfleet.io/slmdeployments/finalizers");
        }
        finally
        {
            Directory.Delete(Path.GetDirectoryName(chartCopy)!, recursive: true);
        }
    }

    [Test]
    public void RbacCheck_CallDeclaredButNotGranted_IsReported()
    {
        var chart = RenderedChart.For(RenderScenario.Default);
        var declared = RbacPermission.From(OperatorRbac.Rules).Append(new RbacPermission(string.Empty, "configmaps", "create", RbacScope.Cluster));

        var comparison = RbacComparison.Compare(declared, ChartRbac.GrantedTo(chart, ServiceAccountOf(chart, "slm-fleet-operator")));

        comparison.MissingFromChart.Should().Equal(new RbacPermission(string.Empty, "configmaps", "create", RbacScope.Cluster));
        comparison.NotDeclaredByCode.Should().BeEmpty();
    }

    [Test]
    public void Declarations_UseOnlyKubernetesVerbsAndNoWildcards()
    {
        var rules = OperatorRbac.Rules.Concat(RouterRbac.Rules).ToList();

        rules.SelectMany(r => r.Verbs).Should().OnlyContain(v => KubernetesVerbs.Contains(v));
        rules.Should().OnlyContain(r => r.Resource != "*" && r.ApiGroup != "*");
    }

    [Test]
    public void OperatorRbac_Allows_AnswersFromTheDeclaration()
    {
        OperatorRbac.Allows("apps", "deployments", "create").Should().BeTrue();
        OperatorRbac.Allows(string.Empty, "secrets", "create").Should().BeFalse("the operator only reads Secrets");
        RouterRbac.Allows("discovery.k8s.io", "endpointslices", "watch").Should().BeTrue();
        RouterRbac.Allows("slmfleet.io", "routingpolicies", "update").Should().BeFalse();
    }
}
