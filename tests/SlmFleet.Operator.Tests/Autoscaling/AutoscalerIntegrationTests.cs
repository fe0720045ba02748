using System.Text;
using FluentAssertions;
using k8s;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;
using SlmFleet.Operator.SlmDeployments;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.Autoscaling;

/// <summary>
/// The autoscaler loop end to end: fake gRPC workers report utilization, the loop reads them through
/// the real client, writes spec.replicas through the scale subresource and status next to the reconciler.
/// </summary>
[TestFixture]
[NonParallelizable]
public sealed class AutoscalerIntegrationTests
{
    private static V1Alpha1SlmDeployment Fleet(int replicas, int min, int max, int scaleDownSeconds = 300)
    {
        var resource = Valid();
        resource.Metadata.Name = "qwen";
        resource.Spec.Replicas = replicas;
        resource.Spec.MinReplicas = min;
        resource.Spec.MaxReplicas = max;
        // No scale-up window (the CRD default became 30 s): these tests drive one pass at a time.
        resource.Spec.Autoscaling = new AutoscalingSpec { ScaleUpStabilizationSeconds = 0, ScaleDownStabilizationSeconds = scaleDownSeconds };
        return resource;
    }

    [Test]
    public async Task Loop_HighUtilization_ScalesUpWaitsForWarmingThenClampsAtMax()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        await h.CreateAsync(Fleet(replicas: 2, min: 1, max: 4));
        await h.AddPodAsync("qwen", "qwen-w-0", ready: true, utilization: 0.95, tokensPerSecond: 100);
        await h.AddPodAsync("qwen", "qwen-w-1", ready: true, utilization: 0.95, tokensPerSecond: 100);

        // Above the band: 1.9 replicas busy, sized for 0.76 → 3.
        await h.PassAsync("qwen");
        var scaled = h.Get("qwen");
        scaled.Spec.Replicas.Should().Be(3);
        scaled.Status.DesiredReplicas.Should().Be(3);
        scaled.Status.Utilization.Should().Be(0.95);
        scaled.Status.TokensPerSecond.Should().Be(200);
        scaled.Status.LastScaleTime.Should().Be(h.Time.GetUtcNow().UtcDateTime);
        scaled.Status.LastScaleReason.Should().StartWith("2 -> 3 replicas (ScaleUpUtilization)");
        h.Events(AutoscalerEvents.ScaledUp).Should().ContainSingle().Which.Message.Should().Contain("2 -> 3 replicas");

        // The third replica is warming: capacity on its way, so no second scale-up.
        await h.AddPodAsync("qwen", "qwen-w-2", ready: false, utilization: 0);
        await h.PassAsync("qwen");
        await h.PassAsync("qwen");
        h.Get("qwen").Spec.Replicas.Should().Be(3);
        h.Events(AutoscalerEvents.ScaledUp).Should().HaveCount(1);

        // Warm now, everyone saturated and 12 requests waiting at each: 36 waiting / 8 per replica call
        // for 5, maxReplicas allows 4.
        await h.SetReadyAsync("qwen-w-2", true);
        foreach (var pod in new[] { "qwen-w-0", "qwen-w-1", "qwen-w-2" })
        {
            h.Worker(pod).Report(1.0, queueDepth: 12, tokensPerSecond: 100);
        }

        await h.PassAsync("qwen");
        var clamped = h.Get("qwen");
        clamped.Spec.Replicas.Should().Be(4);
        var limited = clamped.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScalingLimited);
        limited.Status.Should().Be("True");
        limited.Reason.Should().Be(AutoscalerEvents.MaxReplicasReached);
        limited.Message.Should().Contain("maxReplicas 4");
        h.Events(AutoscalerEvents.ScalingLimited).Should().ContainSingle().Which.Message.Should().Contain("spec.maxReplicas 4");

        // A spec change makes the reconciler rewrite status: the autoscaler's fields survive it.
        await h.EditSpecAsync("qwen", spec => spec.CostPerHour = 1.5);
        var after = h.Get("qwen");
        after.Status.ObservedGeneration.Should().Be(after.Metadata.Generation);
        after.Status.Utilization.Should().Be(1.0);
        after.Status.LastScaleReason.Should().StartWith("3 -> 4 replicas (ScaleUpQueueDepth)").And.Contain("limited to maxReplicas 4");
        after.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScalingLimited).Reason.Should().Be(AutoscalerEvents.MaxReplicasReached);
        after.Status.DesiredReplicas.Should().Be(4);
    }

    [Test]
    public async Task Loop_LowUtilization_ScalesDownOnlyWithCompleteMetricsAfterWindowNeverBelowMin()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        await h.CreateAsync(Fleet(replicas: 3, min: 2, max: 4, scaleDownSeconds: 60));
        for (var i = 0; i < 3; i++)
        {
            await h.AddPodAsync("qwen", $"qwen-w-{i}", ready: true, utilization: 0.10, tokensPerSecond: 50);
        }

        // One worker does not answer: low utilization elsewhere must not remove replicas, however long.
        h.Worker("qwen-w-2").SetDown(true);
        for (var pass = 0; pass < 8; pass++)
        {
            await h.PassAsync("qwen");
        }

        h.Get("qwen").Spec.Replicas.Should().Be(3);
        h.Get("qwen").Status.LastScaleReason.Should().BeNull();

        // Metrics complete again: the fleet shrinks once the 60 s window has passed (4 passes of 15 s).
        h.Worker("qwen-w-2").SetDown(false);
        for (var pass = 0; pass < 4; pass++)
        {
            await h.PassAsync("qwen");
            h.Get("qwen").Spec.Replicas.Should().Be(3, "the scale-down window has not passed yet at pass {0}", pass);
        }

        await h.PassAsync("qwen");
        h.Get("qwen").Spec.Replicas.Should().Be(2, "0.3 busy replicas need 1, minReplicas keeps 2");
        h.Events(AutoscalerEvents.ScaledDown).Should().ContainSingle().Which.Message.Should().Contain("3 -> 2 replicas");

        // Still idle, but minReplicas holds.
        h.Worker("qwen-w-2").Report(0.0);
        for (var pass = 0; pass < 8; pass++)
        {
            await h.PassAsync("qwen");
        }

        h.Get("qwen").Spec.Replicas.Should().Be(2);
        h.Events(AutoscalerEvents.ScaledDown).Should().HaveCount(1);
    }

    [Test]
    public async Task Loop_SlmDeploymentDeleted_RemovesItsSeries()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        await h.CreateAsync(Fleet(replicas: 1, min: 1, max: 2));
        await h.AddPodAsync("qwen", "qwen-w-0", ready: true, utilization: 0.7, tokensPerSecond: 100);
        await h.PassAsync("qwen");
        (await ScrapeAsync(h)).Should().Contain("slm_operator_slmdeployment_replicas{namespace=\"ml\",deployment=\"qwen\",state=\"ready\"} 1")
            .And.Contain("slm_operator_slmdeployment_utilization{namespace=\"ml\",deployment=\"qwen\"} 0.7");

        await h.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(SlmDeploymentResource.Group, SlmDeploymentResource.Version, AutoscalerHarness.Namespace, SlmDeploymentResource.Plural, "qwen");
        await Poll.UntilAsync(() => h.Server.Get<V1Alpha1SlmDeployment>(SlmDeploymentResource.Group, SlmDeploymentResource.Plural, AutoscalerHarness.Namespace, "qwen") is null, "the SlmDeployment is gone");
        await Poll.UntilAsync(async () =>
        {
            var before = h.Autoscaler.Passes;
            h.Time.Advance(AutoscalerHarness.Interval);
            await Poll.UntilAsync(() => h.Autoscaler.Passes > before, "a pass completes");
            return !(await ScrapeAsync(h)).Contains("deployment=\"qwen\"", StringComparison.Ordinal);
        }, "the deleted SlmDeployment's series are removed");
    }

    [Test]
    public async Task Loop_NotLeader_ChangesNothingUntilLeading()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        h.Leader = false;
        await h.CreateAsync(Fleet(replicas: 1, min: 1, max: 3));
        await h.AddPodAsync("qwen", "qwen-w-0", ready: true, utilization: 0.99);
        var before = h.Get("qwen").Metadata.ResourceVersion;

        await h.PassAsync("qwen");
        await h.PassAsync("qwen");

        h.Get("qwen").Metadata.ResourceVersion.Should().Be(before, "a standby neither scales nor writes status");
        h.Leader = true;
        await h.PassAsync("qwen");
        h.Get("qwen").Spec.Replicas.Should().Be(2);
    }

    [Test]
    public async Task Loop_LeaseLostWhileReadingStats_WritesNothing()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        await h.CreateAsync(Fleet(replicas: 1, min: 1, max: 3));
        await h.AddPodAsync("qwen", "qwen-w-0", ready: true, utilization: 0.99);
        var before = h.Get("qwen").Metadata.ResourceVersion;
        // The pass starts as leader; the lease goes while it waits on the worker's Stats.
        h.OnStatsRead = () => h.Leader = false;

        await h.PassAsync("qwen");

        h.Get("qwen").Metadata.ResourceVersion.Should().Be(before, "a pass that lost the lease must not scale or write status");
        h.Get("qwen").Spec.Replicas.Should().Be(1);
        h.OnStatsRead = null;
        h.Leader = true;
        await h.PassAsync("qwen");
        h.Get("qwen").Spec.Replicas.Should().Be(2, "leading again, the same reading scales up");
    }

    [Test]
    public async Task Loop_AutoscalingDisabled_LeavesReplicasButReportsTheFleet()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        var resource = Fleet(replicas: 1, min: 1, max: 3);
        resource.Spec.Autoscaling!.Enabled = false;
        await h.CreateAsync(resource);
        await h.AddPodAsync("qwen", "qwen-w-0", ready: true, utilization: 0.99);
        await h.AddPodAsync("qwen", "qwen-w-1", ready: false, utilization: 0);

        await h.PassAsync("qwen");
        await h.PassAsync("qwen");

        h.Get("qwen").Spec.Replicas.Should().Be(1);
        h.Get("qwen").Status.LastScaleReason.Should().BeNull();
        var text = await ScrapeAsync(h);
        text.Should().Contain("slm_operator_slmdeployment_replicas{namespace=\"ml\",deployment=\"qwen\",state=\"ready\"} 1")
            .And.Contain("slm_operator_slmdeployment_replicas{namespace=\"ml\",deployment=\"qwen\",state=\"warming\"} 1")
            .And.Contain("slm_operator_slmdeployment_utilization{namespace=\"ml\",deployment=\"qwen\"} 0.99");
    }

    [Test]
    public async Task Loop_HpaScalesTheFleet_StandsDownUntilTheHpaIsDeleted()
    {
        // Arrange: saturated workers that would scale 2 -> 3 on the first pass.
        await using var h = await AutoscalerHarness.StartAsync();
        await h.CreateAsync(Fleet(replicas: 2, min: 1, max: 4));
        await h.AddPodAsync("qwen", "qwen-w-0", ready: true, utilization: 0.95);
        await h.AddPodAsync("qwen", "qwen-w-1", ready: true, utilization: 0.95);
        await h.Client.AutoscalingV2.CreateNamespacedHorizontalPodAutoscalerAsync(new V2HorizontalPodAutoscaler
        {
            Metadata = new V1ObjectMeta { Name = "qwen-hpa" },
            Spec = new V2HorizontalPodAutoscalerSpec
            {
                ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = "apps/v1", Kind = "Deployment", Name = "qwen-worker" },
                MaxReplicas = 8,
            },
        }, AutoscalerHarness.Namespace);
        await Poll.UntilAsync(() => h.Get("qwen").Status.Conditions?.Any(c => c.Reason == ConditionReasons.ExternalAutoscaler) == true, "AutoscalerActive names the HPA");

        // Act
        await h.PassAsync("qwen");
        await h.PassAsync("qwen");

        // Assert
        h.Get("qwen").Spec.Replicas.Should().Be(2, "the HPA drives the fleet");
        h.Events(AutoscalerEvents.ScaledUp).Should().BeEmpty();
        h.Events(ConditionReasons.ExternalAutoscaler).Should().ContainSingle().Which.Message.Should().Contain("qwen-hpa (minReplicas 1, maxReplicas 8)");

        await h.Client.AutoscalingV2.DeleteNamespacedHorizontalPodAutoscalerAsync("qwen-hpa", AutoscalerHarness.Namespace);
        await Poll.UntilAsync(() => h.Get("qwen").Status.Conditions?.Any(c => c.Type == ConditionTypes.AutoscalerActive && c.Status == "True") == true, "the built-in autoscaler is active again");
        await h.PassAsync("qwen");
        h.Get("qwen").Spec.Replicas.Should().Be(3);
    }

    [Test]
    public async Task Loop_PodNotReadyPastWarmupTimeout_CountsOverdue()
    {
        await using var h = await AutoscalerHarness.StartAsync();
        var resource = Fleet(replicas: 2, min: 1, max: 3);
        resource.Spec.Warmup = new WarmupSpec { TimeoutSeconds = 60 };
        await h.CreateAsync(resource);
        await h.AddPodAsync("qwen", "qwen-w-0", ready: true, utilization: 0.7);
        await h.AddPodAsync("qwen", "qwen-w-1", ready: false, utilization: 0);

        await h.PassAsync("qwen");
        (await ScrapeAsync(h)).Should().Contain("slm_operator_slmdeployment_warmup_overdue_replicas{namespace=\"ml\",deployment=\"qwen\"} 0");
        for (var pass = 0; pass < 4; pass++)
        {
            await h.PassAsync("qwen");
        }

        (await ScrapeAsync(h)).Should().Contain("slm_operator_slmdeployment_warmup_overdue_replicas{namespace=\"ml\",deployment=\"qwen\"} 1");
    }

    private static async Task<string> ScrapeAsync(AutoscalerHarness h)
    {
        using var stream = new MemoryStream();
        await h.Registry.CollectAndExportAsTextAsync(stream);
        return Encoding.UTF8.GetString(stream.ToArray());
    }
}
