using FluentAssertions;
using k8s.Models;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.SlmDeployments;
using static SlmFleet.Operator.Tests.SlmDeployments.SlmDeploymentFixtures;

namespace SlmFleet.Operator.Tests.SlmDeployments;

/// <summary>
/// The planner's conditions on what else decides whether a fleet runs and scales as specified: an
/// HorizontalPodAutoscaler beside the built-in autoscaler, the claims every replica mounts, and
/// minReplicas 0 without a RoutingPolicy. Each problem is a condition plus one Warning Event, never
/// repeated by a steady reconcile.
/// </summary>
[TestFixture]
public sealed class FleetInputConditionTests
{
    [Test]
    public void Compute_HpaTargetsSlmDeploymentWhileAutoscalingEnabled_StandsDownWithOneWarning()
    {
        // Arrange
        var planner = Planner();
        var observed = Observe(Valid()) with { Autoscalers = [Hpa("qwen-hpa", "slmfleet.io/v1alpha1", "SlmDeployment", "qwen", min: 2, max: 6)] };

        // Act
        var plan = planner.Compute(observed);
        var applied = Apply(observed, plan, readyReplicas: 1);
        var settling = planner.Compute(applied);
        var again = planner.Compute(Apply(applied, settling, readyReplicas: 1) with { Now = T0.AddMinutes(5) });

        // Assert
        var condition = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.AutoscalerActive);
        condition.Status.Should().Be("False");
        condition.Reason.Should().Be(ConditionReasons.ExternalAutoscaler);
        condition.Message.Should().Contain("HorizontalPodAutoscaler ml/qwen-hpa (minReplicas 2, maxReplicas 6)").And.Contain("spec.autoscaling.enabled is true");
        plan.Events.Should().ContainSingle(e => e.Reason == ConditionReasons.ExternalAutoscaler && e.Type == PlannedEvent.Warning)
            .Which.Message.Should().Be(condition.Message);
        plan.Deployment.Should().NotBeNull("the workers are still rendered: only the autoscaler stands down");
        settling.Events.Concat(again.Events).Should().NotContain(e => e.Reason == ConditionReasons.ExternalAutoscaler, "one Event per problem, not per reconcile");
        again.Writes.Should().Be(0);
    }

    [Test]
    public void Compute_HpaWhileAutoscalingDisabled_ConditionSaysExpectedNoWarning()
    {
        // Arrange
        var resource = Valid();
        resource.Spec.Autoscaling = new AutoscalingSpec { Enabled = false };
        var observed = Observe(resource) with { Autoscalers = [Hpa("keda-hpa-qwen", "apps/v1", "Deployment", "qwen-worker", min: 1, max: 3)] };

        // Act
        var plan = Planner().Compute(observed);

        // Assert
        var condition = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.AutoscalerActive);
        condition.Status.Should().Be("False");
        condition.Reason.Should().Be(ConditionReasons.ExternalAutoscaler);
        condition.Message.Should().Contain("keda-hpa-qwen (minReplicas 1, maxReplicas 3)").And.Contain("as intended").And.Contain("targets the worker Deployment");
        plan.Events.Should().NotContain(e => e.Type == PlannedEvent.Warning);
    }

    [Test]
    public void Compute_NoHpa_BuiltInAutoscalerActiveWithItsBand()
    {
        var plan = Planner().Compute(Observe(Valid()));

        var condition = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.AutoscalerActive);
        condition.Status.Should().Be("True");
        condition.Reason.Should().Be(ConditionReasons.BuiltInAutoscaler);
        condition.Message.Should().Contain("[0.60, 0.80]").And.Contain("spec.maxReplicas 4");
    }

    [Test]
    public void Compute_AutoscalerLoopSwitchedOff_AutoscalerActiveFalse()
    {
        var planner = new SlmDeploymentPlanner(Operator.Catalog.AcceleratorCatalog.Default, new SlmDeploymentOptions { BuiltInAutoscaler = false });

        var plan = planner.Compute(Observe(Valid()));

        plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.AutoscalerActive).Reason.Should().Be(ConditionReasons.AutoscalingDisabled);
    }

    [Test]
    public void Compute_CacheClaimMissing_BlocksRolloutOneWarningNamingTheClaim()
    {
        // Arrange
        var planner = Planner();
        var resource = Valid();
        resource.Spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "model-cache" };
        var observed = Observe(resource);

        // Act
        var plan = planner.Compute(observed);
        var again = planner.Compute(Apply(observed, plan) with { Now = T0.AddMinutes(1) });

        // Assert
        plan.Deployment.Should().BeNull("a Deployment without its claim would only leave pods Pending");
        plan.Problems.Should().ContainSingle(p => p.Reason == ConditionReasons.CacheVolumeMissing);
        var ready = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Reason.Should().Be(ConditionReasons.CacheVolumeMissing);
        var cache = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.CacheVolumeReady);
        cache.Status.Should().Be("False");
        cache.Message.Should().Contain("spec.modelCache.persistentVolumeClaim: PersistentVolumeClaim ml/model-cache not found").And.Contain("spec.maxReplicas is 4");
        plan.Events.Where(e => e.Type == PlannedEvent.Warning).Should().ContainSingle()
            .Which.Reason.Should().Be(ConditionReasons.CacheVolumeMissing);
        again.Events.Should().BeEmpty();
        again.StatusChanged.Should().BeFalse();
    }

    [Test]
    public void Compute_CacheClaimCreated_RollsOutAndConditionTurnsTrue()
    {
        // Arrange
        var planner = Planner();
        var resource = Valid();
        resource.Spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "model-cache" };
        var blocked = Apply(Observe(resource), planner.Compute(Observe(resource)));

        // Act
        var plan = planner.Compute(blocked with { Claims = Claims(Claim("model-cache", "ReadWriteMany")), Now = T0.AddMinutes(1) });

        // Assert
        plan.Deployment!.Kind.Should().Be(WriteKind.Create);
        plan.Deployment.Desired.Spec.Template.Spec.Volumes.Should().Contain(v => v.PersistentVolumeClaim != null && v.PersistentVolumeClaim.ClaimName == "model-cache");
        var cache = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.CacheVolumeReady);
        cache.Status.Should().Be("True");
        cache.Message.Should().Contain("ml/model-cache (ReadWriteMany)");
    }

    [Test]
    public void Compute_ReadWriteOnceCacheClaimWithMaxReplicasAboveOne_WarnsWithTheNumbersButRollsOut()
    {
        // Arrange
        var planner = Planner();
        var resource = Valid();
        resource.Spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "model-cache" };
        var observed = Observe(resource) with { Claims = Claims(Claim("model-cache", "ReadWriteOnce")) };

        // Act
        var plan = planner.Compute(observed);
        var again = planner.Compute(Apply(observed, plan, readyReplicas: 1) with { Now = T0.AddMinutes(1) });

        // Assert
        plan.Deployment!.Kind.Should().Be(WriteKind.Create, "replicas on the claim's node still run");
        var cache = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.CacheVolumeReady);
        cache.Status.Should().Be("False");
        cache.Reason.Should().Be(ConditionReasons.CacheVolumeReadWriteOnce);
        cache.Message.Should().Contain("PersistentVolumeClaim ml/model-cache is ReadWriteOnce but spec.maxReplicas is 4").And.Contain("perReplicaClaim");
        plan.Events.Should().ContainSingle(e => e.Reason == ConditionReasons.CacheVolumeReadWriteOnce && e.Type == PlannedEvent.Warning);
        again.Events.Should().NotContain(e => e.Reason == ConditionReasons.CacheVolumeReadWriteOnce);
    }

    [Test]
    public void Compute_ReadWriteOnceClaimWithMaxReplicasOne_Usable()
    {
        var resource = Valid();
        resource.Spec.MaxReplicas = 1;
        resource.Spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "model-cache" };

        var plan = Planner().Compute(Observe(resource) with { Claims = Claims(Claim("model-cache", "ReadWriteOnce")) });

        plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.CacheVolumeReady).Status.Should().Be("True");
        plan.Events.Should().NotContain(e => e.Type == PlannedEvent.Warning);
    }

    [Test]
    public void Compute_BoundClaimStatusModes_WinOverTheRequestedOnes()
    {
        // A claim asking for ReadWriteOnce may bind a volume that is also ReadWriteMany; the bound modes are what mounts get.
        var resource = Valid();
        resource.Spec.ModelCache = new ModelCacheSpec { PersistentVolumeClaim = "model-cache" };
        var claim = Claim("model-cache", "ReadWriteOnce");
        claim.Status = new V1PersistentVolumeClaimStatus { Phase = "Bound", AccessModes = ["ReadWriteOnce", "ReadWriteMany"] };

        var plan = Planner().Compute(Observe(resource) with { Claims = Claims(claim) });

        plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.CacheVolumeReady).Status.Should().Be("True");
    }

    [Test]
    public void Compute_PvcSourceClaimMissing_NamesTheSourceField()
    {
        var resource = Valid();
        resource.Spec.Model.Source.Uri = "pvc://model-store/qwen/int4";

        var plan = Planner().Compute(Observe(resource));

        plan.Problems.Should().ContainSingle(p => p.Reason == ConditionReasons.CacheVolumeMissing)
            .Which.Message.Should().StartWith("spec.model.source.uri: PersistentVolumeClaim ml/model-store not found");
    }

    [Test]
    public void Compute_NoClaimReferenced_NoCacheCondition()
    {
        var plan = Planner().Compute(Observe(Valid()));

        plan.Status.Conditions.Should().NotContain(c => c.Type == ConditionTypes.CacheVolumeReady);
    }

    [Test]
    public void Compute_MinReplicasZeroWithoutRoutingPolicy_ConditionAndOneWarningThenPolicyClearsIt()
    {
        // Arrange
        var planner = Planner();
        var resource = Valid();
        resource.Spec.MinReplicas = 0;
        var observed = Observe(resource) with { RoutingPolicies = [Policy("other", slm: "phi3")] };

        // Act
        var plan = planner.Compute(observed);
        var applied = Apply(observed, plan) with { Now = T0.AddMinutes(1) };
        var steady = planner.Compute(applied);
        var fixedPlan = planner.Compute(applied with { RoutingPolicies = [Policy("other", slm: "phi3"), Policy("chat", slm: "qwen")] });

        // Assert
        var condition = plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScaleFromZero);
        condition.Status.Should().Be("False");
        condition.Reason.Should().Be(ConditionReasons.NoRoutingPolicy);
        condition.Message.Should().Contain("no RoutingPolicy in namespace ml routes to SlmDeployment qwen").And.Contain("spec.slm.deploymentRef.name: qwen").And.Contain("spec.minReplicas to 1");
        plan.Events.Should().ContainSingle(e => e.Reason == ConditionReasons.NoRoutingPolicy && e.Type == PlannedEvent.Warning);
        steady.Events.Should().BeEmpty();
        var cleared = fixedPlan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScaleFromZero);
        cleared.Status.Should().Be("True");
        cleared.Reason.Should().Be(ConditionReasons.RoutingPolicyFound);
        cleared.Message.Should().Contain("RoutingPolicy chat");
        fixedPlan.Events.Should().BeEmpty();
    }

    [Test]
    public void Compute_MinReplicasZeroAsCandidate_RoutingPolicyFound()
    {
        var resource = Valid();
        resource.Spec.MinReplicas = 0;
        var policy = Policy("chat", slm: "phi3");
        policy.Spec.Candidate = new CandidateSpec { DeploymentRef = new LocalObjectReference { Name = "qwen" } };

        var plan = Planner().Compute(Observe(resource) with { RoutingPolicies = [policy] });

        plan.Status.Conditions!.Single(c => c.Type == ConditionTypes.ScaleFromZero).Status.Should().Be("True");
    }

    [TestCase(1, true)]
    [TestCase(0, false)]
    public void Compute_ScaleFromZeroOnlyForMinReplicasZeroWithKnownPolicies(int minReplicas, bool policiesKnown)
    {
        var resource = Valid();
        resource.Spec.MinReplicas = minReplicas;

        var plan = Planner().Compute(Observe(resource) with { RoutingPolicies = policiesKnown ? [] : null });

        plan.Status.Conditions.Should().NotContain(c => c.Type == ConditionTypes.ScaleFromZero);
    }

    private static V2HorizontalPodAutoscaler Hpa(string name, string apiVersion, string kind, string target, int min, int max) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml" },
        Spec = new V2HorizontalPodAutoscalerSpec
        {
            ScaleTargetRef = new V2CrossVersionObjectReference { ApiVersion = apiVersion, Kind = kind, Name = target },
            MinReplicas = min,
            MaxReplicas = max,
        },
    };

    private static V1PersistentVolumeClaim Claim(string name, string accessMode) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml" },
        Spec = new V1PersistentVolumeClaimSpec { AccessModes = [accessMode] },
    };

    private static Dictionary<string, V1PersistentVolumeClaim> Claims(params V1PersistentVolumeClaim[] claims) =>
        claims.ToDictionary(c => c.Metadata.Name, StringComparer.Ordinal);

    private static V1Alpha1RoutingPolicy Policy(string name, string slm) => new()
    {
        Metadata = new V1ObjectMeta { Name = name, NamespaceProperty = "ml" },
        Spec = new RoutingPolicySpec { ModelAlias = name, Slm = new SlmTargetSpec { DeploymentRef = new LocalObjectReference { Name = slm } } },
    };
}
