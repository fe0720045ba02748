using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.SlmDeployments;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.SlmDeployments;

[TestFixture]
public sealed class SlmDeploymentPlannerTests
{
    [Test]
    public void Compute_SteadyStateAfterApply_PlansZeroWrites()
    {
        // Arrange
        var planner = Planner();
        var first = Observe(Valid());
        var firstPlan = planner.Compute(first);
        var applied = Apply(first, firstPlan, readyReplicas: 1);
        var settled = Apply(applied, planner.Compute(applied), readyReplicas: 1);

        // Act
        var plan = planner.Compute(settled with { Now = T0.AddMinutes(5) });

        // Assert
        firstPlan.Writes.Should().Be(4);
        plan.Writes.Should().Be(0);
        plan.Events.Should().BeEmpty();
        plan.RollOut.Should().BeFalse();
    }

    [Test]
    public void Compute_SpecChange_UpdatesDeploymentWithRollingOutEvent()
    {
        // Arrange
        var planner = Planner();
        var observed = Observe(Valid());
        var applied = Apply(observed, planner.Compute(observed), readyReplicas: 1);
        var changed = RoundTrip(applied.Resource);
        changed.Spec.Model.ChatTemplate = "phi3";
        changed.Metadata.Generation = 2;

        // Act
        var plan = planner.Compute(applied with { Resource = changed });

        // Assert
        plan.Deployment!.Kind.Should().Be(WriteKind.Update);
        plan.Deployment.Desired.Spec.Template.Spec.Containers[0].Args.Should().ContainInOrder("--chat-template", "phi3");
        plan.Events.Should().ContainSingle(e => e.Reason == ConditionReasons.RollingOut);
        plan.Service!.Kind.Should().Be(WriteKind.None);
    }

    [Test]
    public void Compute_ReplicasChangedOnly_ScalesWithoutChangingDigest()
    {
        // Arrange
        var planner = Planner();
        var observed = Observe(Valid());
        var applied = Apply(observed, planner.Compute(observed), readyReplicas: 1);
        var scaled = RoundTrip(applied.Resource);
        scaled.Spec.Replicas = 3;

        // Act
        var plan = planner.Compute(applied with { Resource = scaled });

        // Assert
        plan.Deployment!.Kind.Should().Be(WriteKind.Update);
        plan.Deployment.Desired.Spec.Replicas.Should().Be(3);
        WorkerLabels.DesiredHash(plan.Deployment.Desired.Metadata).Should().Be(WorkerLabels.DesiredHash(applied.Deployment!.Metadata));
        plan.Events.Should().ContainSingle(e => e.Reason == ConditionReasons.Scaled);
    }

    [TestCase(null, 1, 4, 1)]
    [TestCase(3, 1, 4, 3)]
    [TestCase(9, 2, 4, 4)]
    [TestCase(0, 2, 4, 2)]
    public void Compute_Replicas_ClampedToMinMax(int? replicas, int min, int max, int expected)
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Replicas = replicas;
        resource.Spec.MinReplicas = min;
        resource.Spec.MaxReplicas = max;

        // Act
        var plan = Planner().Compute(Observe(resource));

        // Assert
        plan.Deployment!.Desired.Spec.Replicas.Should().Be(expected);
        plan.Status.DesiredReplicas.Should().Be(expected);
        var limited = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScalingLimited);
        // Only a request above maxReplicas is a limit; one below minReplicas is raised to the warm floor.
        limited.Status.Should().Be((replicas ?? min) > max ? "True" : "False");
    }

    [Test]
    public void Compute_UnknownAccelerator_BlocksWithFieldAndAcceptedValues()
    {
        // Arrange
        var planner = Planner();
        var observed = Observe(Valid());
        var running = Apply(observed, planner.Compute(observed), readyReplicas: 1);
        var bad = RoundTrip(running.Resource);
        bad.Spec.Accelerator.Type = "nvidia-h100";

        // Act
        var plan = planner.Compute(running with { Resource = bad });

        // Assert
        plan.Deployment.Should().BeNull("running workers stay unchanged");
        plan.Service.Should().BeNull();
        plan.DisruptionBudget.Should().BeNull();
        var progressing = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.Progressing);
        progressing.Status.Should().Be("False");
        progressing.Message.Should().Contain("spec.accelerator.type").And.Contain("nvidia-h100").And.Contain("nvidia-t4, nvidia-a10g, nvidia-l4, cpu");
        plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ModelFits).Status.Should().Be("Unknown");
        plan.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Warning && e.Reason == ConditionReasons.UnknownAccelerator);
        plan.Status.ReadyReplicas.Should().Be(1);
    }

    [Test]
    public void Compute_SecretMissing_ReportsSecretNotFound()
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Model.Source.SecretRef = new SecretKeyReference { Name = "hf-token" };

        // Act
        var plan = Planner().Compute(Observe(resource));

        // Assert
        plan.Deployment.Should().BeNull();
        var ready = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Reason.Should().Be(ConditionReasons.SecretNotFound);
        ready.Message.Should().Contain("spec.model.source.secretRef.name").And.Contain("\"hf-token\"").And.Contain("\"ml\"");
        plan.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Warning && e.Reason == ConditionReasons.SecretNotFound);
    }

    [Test]
    public void Compute_SecretWithoutKey_NamesTheKeysItHas()
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Model.Source.SecretRef = new SecretKeyReference { Name = "hf-token", Key = "hf" };

        // Act
        var plan = Planner().Compute(Observe(resource) with { SourceSecretKeys = ["token", "user"] });

        // Assert
        plan.Deployment.Should().BeNull();
        plan.Problems.Should().ContainSingle(p => p.Field == "spec.model.source.secretRef.key")
            .Which.Message.Should().Contain("\"hf\"").And.Contain("token, user");
    }

    [Test]
    public void Compute_SecretPresent_TokenOnlyThroughSecretKeyRef()
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Model.Source.SecretRef = new SecretKeyReference { Name = "hf-token" };

        // Act
        var plan = Planner().Compute(Observe(resource) with { SourceSecretKeys = ["token"] });

        // Assert
        var fetch = plan.Deployment!.Desired.Spec.Template.Spec.InitContainers.Single();
        var env = fetch.Env.Should().ContainSingle().Subject;
        env.Value.Should().BeNull();
        env.ValueFrom.SecretKeyRef.Name.Should().Be("hf-token");
        env.ValueFrom.SecretKeyRef.Key.Should().Be("token");
        fetch.Args.Should().ContainInOrder("fetch-model", "--source", resource.Spec.Model.Source.Uri, "--dest", "/models/qwen");
    }

    [Test]
    public void Compute_BadStateUnchanged_WarnsOnlyOnce()
    {
        // Arrange
        var planner = Planner();
        var resource = Valid();
        resource.Spec.MinReplicas = 5;
        resource.Spec.MaxReplicas = 2;
        var observed = Observe(resource);
        var first = planner.Compute(observed);
        var after = Apply(observed, first);

        // Act
        var second = planner.Compute(after with { Now = T0.AddMinutes(10) });

        // Assert
        first.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Warning && e.Message.Contains("maxReplicas must be greater than or equal to minReplicas"));
        second.Events.Should().BeEmpty();
        second.StatusChanged.Should().BeFalse();
    }

    [Test]
    public void Compute_ConditionStatusFlips_MovesLastTransitionTimeOnlyThen()
    {
        // Arrange
        var planner = Planner();
        var observed = Observe(Valid());
        var warming = Apply(observed, planner.Compute(observed), readyReplicas: 0);
        var stillWarming = Apply(warming, planner.Compute(warming with { Now = T0.AddSeconds(30) }), readyReplicas: 1);

        // Act
        var plan = planner.Compute(stillWarming with { Now = T0.AddSeconds(60) });

        // Assert
        var before = warming.Resource.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        var after = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        before.Status.Should().Be("False");
        after.Status.Should().Be("True");
        after.LastTransitionTime.Should().Be(T0.AddSeconds(60));
        plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ModelFits).LastTransitionTime.Should().Be(T0);
        plan.Status.Conditions!.Should().OnlyContain(c => c.ObservedGeneration == 1);
    }

    [Test]
    public void Compute_ThroughputKnown_EstimatesCostPerMillionTokens()
    {
        // Arrange
        var planner = Planner();
        var resource = Valid();
        resource.Spec.CostPerHour = 1.8;
        var observed = Observe(resource);
        var running = Apply(observed, planner.Compute(observed), readyReplicas: 1);

        // Act
        var plan = planner.Compute(running with { TokensPerSecond = 500 });

        // Assert: $1.8/h for 1 replica ÷ (500 tok/s × 3600 s/h) × 1e6 = $1.00 per million tokens.
        plan.Status.EstimatedCostPerMillionTokens.Should().BeApproximately(1.8 / (500 * 3600.0) * 1e6, 1e-3);
        plan.Status.TokensPerSecond.Should().Be(500);
    }

    [Test]
    public void Compute_NoThroughputYet_LeavesCostUnset()
    {
        // Act
        var plan = Planner().Compute(Observe(Valid()));

        // Assert
        plan.Status.EstimatedCostPerMillionTokens.Should().BeNull();
    }

    [TestCase(10)]
    [TestCase(95)]
    [TestCase(300)]
    [TestCase(3600)]
    public void Compute_WarmupTimeout_StartupProbeBudgetCoversIt(int timeoutSeconds)
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Warmup = new WarmupSpec { TimeoutSeconds = timeoutSeconds };

        // Act
        var plan = Planner().Compute(Observe(resource));

        // Assert
        var probe = plan.Deployment!.Desired.Spec.Template.Spec.Containers[0].StartupProbe;
        (probe.FailureThreshold!.Value * probe.PeriodSeconds!.Value).Should().BeGreaterThanOrEqualTo(timeoutSeconds);
        probe.Grpc.Port.Should().Be(WorkerPorts.Grpc);
    }

    [Test]
    public void Compute_CudaOnCpuAccelerator_RejectsExecutionProvider()
    {
        // Arrange
        var resource = Valid("cpu");
        resource.Spec.Runtime = new RuntimeSpec { ExecutionProvider = "cuda" };

        // Act
        var plan = Planner().Compute(Observe(resource));

        // Assert
        plan.Deployment.Should().BeNull();
        plan.Problems.Should().ContainSingle(p => p.Field == "spec.runtime.executionProvider")
            .Which.Message.Should().Contain("use auto or cpu");
    }

    [Test]
    public void Compute_TwoGpus_OnlyMultiGpuInstanceTypesAndLimit()
    {
        // Arrange
        var resource = Valid("nvidia-a10g");
        resource.Spec.Accelerator.Count = 4;

        // Act
        var plan = Planner().Compute(Observe(resource));

        // Assert
        var pod = plan.Deployment!.Desired.Spec.Template.Spec;
        pod.Affinity.NodeAffinity.RequiredDuringSchedulingIgnoredDuringExecution.NodeSelectorTerms[0].MatchExpressions[0].Values
            .Should().BeEquivalentTo(["g5.12xlarge", "g5.24xlarge", "g5.48xlarge"]);
        pod.Containers[0].Resources.Limits["nvidia.com/gpu"].ToString().Should().Be("4");
    }

    [Test]
    public void Compute_NameTooLongForService_RejectsMetadataName()
    {
        // Arrange
        var resource = Valid();
        resource.Metadata.Name = new string('a', SpecValidation.MaxNameLength + 1);

        // Act
        var plan = Planner().Compute(Observe(resource));

        // Assert
        plan.Deployment.Should().BeNull();
        plan.Problems.Should().ContainSingle(p => p.Field == "metadata.name");
    }

    [Test]
    public void Compute_ProgressDeadlineExceeded_ReportsDegraded()
    {
        // Arrange
        var planner = Planner();
        var observed = Observe(Valid());
        var running = Apply(observed, planner.Compute(observed));
        running.Deployment!.Status.Conditions =
        [
            new k8s.Models.V1DeploymentCondition { Type = "Progressing", Status = "False", Reason = "ProgressDeadlineExceeded", Message = "ReplicaSet has timed out progressing." },
        ];

        // Act
        var plan = planner.Compute(running);

        // Assert
        var degraded = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.Degraded);
        degraded.Status.Should().Be("True");
        degraded.Reason.Should().Be(ConditionReasons.ProgressDeadlineExceeded);
    }
}
