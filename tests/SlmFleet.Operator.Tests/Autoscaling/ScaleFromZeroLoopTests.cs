using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api;
using SlmFleet.Api.ColdStart;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>
/// Scale from zero through the autoscaler loop: the clock never ticks here unless a test moves it, so a
/// scale written right after the router's annotation proves the wake-up, not a periodic pass.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class ScaleFromZeroLoopTests
{
    private static V1Alpha1SlmDeployment AtZero()
    {
        var resource = Valid();
        resource.Metadata.Name = "cold";
        resource.Spec.Replicas = 0;
        resource.Spec.MinReplicas = 0;
        resource.Spec.MaxReplicas = 3;
        resource.Spec.Autoscaling = new AutoscalingSpec { ScaleUpStabilizationSeconds = 0, ScaleDownStabilizationSeconds = 60 };
        return resource;
    }

    [Test]
    public async Task DemandAnnotationOnAFleetAtZero_ScaledToOneWithoutATick_WarmUpPublishedOnce()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        await h.CreateAsync(AtZero());
        var passes = h.Autoscaler.Passes;

        // What a router sends when a request finds no ready replica.
        var at = h.Time.GetUtcNow();
        await AnnotateAsync(h, at);

        await Poll.UntilAsync(() => h.Get("cold").Spec.Replicas == 1, "the fleet is scaled to one replica");
        // The Event follows the scale write.
        await Poll.UntilAsync(() => h.Events(AutoscalerEvents.ScaledUp).Count > 0, "a ScaledUp Event");
        h.Autoscaler.Passes.Should().Be(passes, "no tick ran: the wake-up did it");
        h.Events(AutoscalerEvents.ScaledUp).Should().ContainSingle().Which.Message.Should().Contain("0 -> 1 replicas (ScaleUpFromZero)");
        await h.SettleAsync("cold");

        // The replica becomes ready 42 s after its pod was created: the operator measures and publishes it.
        var pod = await h.Client.CoreV1.CreateNamespacedPodAsync(new V1Pod
        {
            Metadata = new V1ObjectMeta { Name = "cold-w-0", NamespaceProperty = AutoscalerHarness.Namespace, Labels = WorkerLabels.All("cold") },
            Spec = new V1PodSpec { Containers = [new V1Container { Name = "worker", Image = "slm-worker" }] },
        }, AutoscalerHarness.Namespace);
        pod.Status = new V1PodStatus
        {
            Phase = "Running",
            Conditions = [new V1PodCondition { Type = "Ready", Status = "True", LastTransitionTime = pod.Metadata.CreationTimestamp!.Value.AddSeconds(42) }],
        };
        await h.Client.CoreV1.ReplaceNamespacedPodStatusAsync(pod, pod.Metadata.Name, AutoscalerHarness.Namespace);
        await Poll.UntilAsync(async () =>
        {
            await h.PassAsync("cold");
            return h.Get("cold").Status.WarmUp is not null;
        }, "the warm-up is published");
        await h.PassAsync("cold");
        await h.PassAsync("cold");

        var warmUp = h.Get("cold").Status.WarmUp!;
        warmUp.LastSeconds.Should().Be(42);
        warmUp.PredictedSeconds.Should().Be(42);
        warmUp.Samples.Should().Be(1, "a pod is measured once, however many passes see it");
    }

    [Test]
    public async Task DemandAnnotationOnAFleetAlreadyRunning_NoWakeUp()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        var resource = AtZero();
        resource.Spec.Replicas = 2;
        await h.CreateAsync(resource);
        var wakeUps = h.Autoscaler.WakeUps;

        await AnnotateAsync(h, h.Time.GetUtcNow());
        await h.SettleAsync("cold");
        await Task.Delay(300);

        h.Autoscaler.WakeUps.Should().Be(wakeUps);
        h.Get("cold").Spec.Replicas.Should().Be(2);
    }

    private static Task AnnotateAsync(AutoscalerHarness h, DateTimeOffset at) =>
        h.Client.CustomObjects.PatchNamespacedCustomObjectAsync(
            new V1Patch(new { metadata = new { annotations = new Dictionary<string, string> { [ApiGroup.DemandAnnotation] = DemandStamp.Format(at) } } }, V1Patch.PatchType.MergePatch),
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, AutoscalerHarness.Namespace, SlmDeploymentResource.Plural, "cold");
}
