using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Chart.Tests.Infrastructure;

namespace SlmFleet.Chart.Tests;

[TestFixture]
public sealed class SecurityContextTests
{
    private static IEnumerable<TestCaseData> Deployments() =>
        from scenario in RenderScenario.All
        from name in new[] { "slm-fleet-operator", "slm-fleet-router" }
        select new TestCaseData(scenario.Name, name).SetArgDisplayNames(scenario.Name, name);

    private static V1PodSpec PodSpec(string scenario, string name) =>
        KubernetesModels.ToModel<V1Deployment>(
            RenderedChart.For(RenderScenario.All.Single(s => s.Name == scenario)).Single("Deployment", name)).Spec.Template.Spec;

    [TestCaseSource(nameof(Deployments))]
    public void Pod_Scenario_RunsAsNonRootWithRuntimeDefaultSeccomp(string scenario, string name)
    {
        var pod = PodSpec(scenario, name).SecurityContext;

        pod.RunAsNonRoot.Should().BeTrue();
        pod.RunAsUser.Should().BeGreaterThan(0);
        pod.SeccompProfile.Type.Should().Be("RuntimeDefault");
    }

    [TestCaseSource(nameof(Deployments))]
    public void Containers_Scenario_ReadOnlyRootNoPrivilegeAllCapabilitiesDropped(string scenario, string name)
    {
        var spec = PodSpec(scenario, name);

        foreach (var container in spec.Containers.Concat(spec.InitContainers ?? []))
        {
            var context = container.SecurityContext;
            context.Should().NotBeNull($"container {container.Name} needs a securityContext");
            context.ReadOnlyRootFilesystem.Should().BeTrue($"container {container.Name}");
            context.AllowPrivilegeEscalation.Should().BeFalse($"container {container.Name}");
            context.Privileged.Should().NotBe(true, $"container {container.Name}");
            context.RunAsNonRoot.Should().BeTrue($"container {container.Name}");
            context.Capabilities.Drop.Should().Contain("ALL", $"container {container.Name}");
            context.Capabilities.Add.Should().BeNullOrEmpty($"container {container.Name}");
            context.SeccompProfile.Type.Should().Be("RuntimeDefault", $"container {container.Name}");
        }
    }

    [TestCaseSource(nameof(Deployments))]
    public void Containers_Scenario_HaveWritableTmpAndResourceRequests(string scenario, string name)
    {
        var spec = PodSpec(scenario, name);
        var container = spec.Containers.Single();

        // A read-only root filesystem needs a writable /tmp for the runtime's temporary files.
        var tmp = container.VolumeMounts.Single(m => m.MountPath == "/tmp");
        spec.Volumes.Single(v => v.Name == tmp.Name).EmptyDir.Should().NotBeNull();
        container.Resources.Requests.Should().ContainKeys("cpu", "memory");
        container.Resources.Limits.Should().ContainKey("memory");
    }
}
