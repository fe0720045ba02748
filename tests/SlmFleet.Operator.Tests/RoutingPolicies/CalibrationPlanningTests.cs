using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.Calibration;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.RoutingPolicies;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>
/// The operator's half of threshold calibration: the routers' <c>slm_router_calibration_samples_total</c>
/// pages, summed by the ledger, become <c>status.calibration</c>, and <c>mode: auto</c> applies the
/// recommendation with an Event; the budget curve lowers <c>status.effectiveThreshold</c>.
/// </summary>
[TestFixture]
public sealed class CalibrationPlanningTests
{
    private static string CalibrationPage(string model, string task, string bucket, long agreed, long disagreed) => $$"""
        # TYPE slm_router_calibration_samples_total counter
        slm_router_calibration_samples_total{model="{{model}}",task="{{task}}",bucket="{{bucket}}",agreed="true"} {{agreed}}
        slm_router_calibration_samples_total{model="{{model}}",task="{{task}}",bucket="{{bucket}}",agreed="false"} {{disagreed}}

        """;

    [Test]
    public void Ledger_SumsCalibrationSamplesOverRoutersByTaskAndBucket()
    {
        var ledger = new UsageLedger();

        var totals = ledger.Record("2026-03", [
            new RouterMetricsText(Namespace, "router-a", CalibrationPage("bot", "faq", "0.90", 30, 2) + CalibrationPage("bot", "faq", "0.40", 5, 15)),
            new RouterMetricsText(Namespace, "router-b", CalibrationPage("bot", "faq", "0.90", 10, 0) + CalibrationPage("bot", "none", "0.95", 7, 1)),
        ]);

        var calibration = totals[(Namespace, "bot")].Calibration;
        calibration["faq"].Agreed[18].Should().Be(40);
        calibration["faq"].Disagreed[18].Should().Be(2);
        calibration["faq"].Agreed[8].Should().Be(5);
        calibration["faq"].Disagreed[8].Should().Be(15);
        calibration["none"].Samples.Should().Be(8);
    }

    private static V1Alpha1RoutingPolicy Calibrated(string mode, double configured = 0.85)
    {
        var policy = Policy();
        policy.Spec.Shadow = new ShadowSpec { Enabled = true, SampleRate = 0.1 };
        policy.Spec.Escalation = new EscalationSpec
        {
            ConfidenceThreshold = configured,
            Calibration = new CalibrationSpec { Mode = mode, TargetAgreement = 0.9, MinSamples = 100, MinThreshold = 0.3, MaxThreshold = 0.95 },
        };
        return policy;
    }

    /// <summary>Agreement rises with confidence: 200 samples at 0.70 agree 97 %, 200 at 0.40 agree 50 %.</summary>
    private static PolicyUsage UsageWithShadowCounts()
    {
        long[] agreed = new long[ThresholdCalibration.Buckets], disagreed = new long[ThresholdCalibration.Buckets];
        agreed[14] = 194;
        disagreed[14] = 6;
        agreed[8] = 100;
        disagreed[8] = 100;
        return new PolicyUsage { Month = "2026-03", Requests = 400, Calibration = new Dictionary<string, CalibrationCounts> { ["faq"] = new(agreed, disagreed) } };
    }

    [Test]
    public void Compute_Recommend_TableAndRecommendationButThresholdUnchanged()
    {
        var plan = RoutingPolicyPlanner.Compute(Observed(Calibrated("recommend"), UsageWithShadowCounts()));

        var calibration = plan.Status.Calibration!;
        calibration.Samples.Should().Be(400);
        calibration.RecommendedThreshold.Should().Be(0.45, "from 0.45 up only the 97 % bucket is kept");
        calibration.AppliedThreshold.Should().BeNull();
        calibration.Table.Should().HaveCount(ThresholdCalibration.Buckets);
        calibration.Tasks.Should().ContainSingle(t => t.Task == "faq" && t.RecommendedThreshold == 0.45);
        plan.Status.EffectiveThreshold.Should().Be(0.85);
        plan.Events.Should().NotContain(e => e.Reason == RoutingPolicyReasons.ThresholdCalibrated);
    }

    [Test]
    public void Compute_Auto_AppliesTheRecommendationWithAnEventOnce()
    {
        var observed = Observed(Calibrated("auto"), UsageWithShadowCounts());

        var plan = RoutingPolicyPlanner.Compute(observed);

        plan.Status.Calibration!.AppliedThreshold.Should().Be(0.45);
        plan.Status.EffectiveThreshold.Should().Be(0.45);
        plan.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Normal && e.Reason == RoutingPolicyReasons.ThresholdCalibrated)
            .Which.Message.Should().Contain("from 0.85 to 0.45");

        var again = RoutingPolicyPlanner.Compute(Applied(observed, plan));
        again.Events.Should().NotContain(e => e.Reason == RoutingPolicyReasons.ThresholdCalibrated, "the threshold did not move");
        again.Status.Calibration!.AppliedThreshold.Should().Be(0.45);
    }

    [Test]
    public void Compute_AutoWithTooFewSamples_KeepsTheConfiguredThresholdAndSaysWhy()
    {
        var usage = new PolicyUsage { Month = "2026-03", Calibration = new Dictionary<string, CalibrationCounts> { ["faq"] = new(new long[20], new long[20]) { } } };
        usage.Calibration["faq"].Agreed[19] = 12;

        var plan = RoutingPolicyPlanner.Compute(Observed(Calibrated("auto"), usage));

        plan.Status.Calibration!.RecommendedThreshold.Should().BeNull();
        plan.Status.Calibration.Message.Should().Contain("12 shadowed samples").And.Contain("100");
        plan.Status.EffectiveThreshold.Should().Be(0.85);
        plan.Events.Should().NotContain(e => e.Reason == RoutingPolicyReasons.ThresholdCalibrated);
    }

    [Test]
    public void Compute_BudgetCurve_LowersTheEffectiveThresholdWithSpend()
    {
        var policy = Policy(monthlyBudget: 10);
        policy.Spec.Budget!.ThresholdCurve = [new() { SpentFraction = 0.5, Threshold = 0.85 }, new() { SpentFraction = 1.0, Threshold = 0.55 }];
        policy.Spec.Budget.ThresholdFloor = 0.6;

        var plan = RoutingPolicyPlanner.Compute(Observed(policy, new PolicyUsage { Month = "2026-03", SpendUsd = 7.5 }));

        plan.Status.EffectiveThreshold.Should().Be(0.7, "75 % spent is halfway down the curve from 0.85 to 0.55");
        RoutingPolicyPlanner.Compute(Observed(policy, new PolicyUsage { Month = "2026-03", SpendUsd = 9.9 })).Status.EffectiveThreshold.Should().Be(0.6, "the floor");
    }

    [Test]
    public void Compute_CalibrationBoundsCross_InvalidSpecNamingTheField()
    {
        var policy = Calibrated("auto");
        policy.Spec.Escalation!.Calibration!.MinThreshold = 0.9;
        policy.Spec.Escalation.Calibration.MaxThreshold = 0.5;

        var plan = RoutingPolicyPlanner.Compute(Observed(policy));

        Condition(plan, RoutingPolicyConditionTypes.Ready).Status.Should().Be("False");
        plan.Problems.Should().Contain(p => p.Field.Contains("calibration", StringComparison.Ordinal) && p.Message.Contains("minThreshold", StringComparison.Ordinal));
    }
}

/// <summary>The promotion gate of a candidate SlmDeployment, as the planner decides it.</summary>
[TestFixture]
public sealed class CandidatePlanningTests
{
    private static V1Alpha1RoutingPolicy WithCandidate(string promotion = "automatic", double? rollbackBelow = null)
    {
        var policy = Policy();
        policy.Spec.Candidate = new CandidateSpec { DeploymentRef = new() { Name = "qwen-v2" }, MinAgreement = 0.9, MinSamples = 100, Promotion = promotion, RollbackBelow = rollbackBelow };
        return policy;
    }

    private static RoutingPolicyObserved Observed(V1Alpha1RoutingPolicy policy, long agreed, long samples, long calibrationAgreed = 0, long calibrationSamples = 0)
    {
        long[] yes = new long[ThresholdCalibration.Buckets], no = new long[ThresholdCalibration.Buckets];
        yes[15] = calibrationAgreed;
        no[15] = calibrationSamples - calibrationAgreed;
        return RoutingPolicyFixtures.Observed(policy, new PolicyUsage
        {
            Month = "2026-03",
            Candidates = new Dictionary<string, (long Agreed, long Samples)> { ["qwen-v2"] = (agreed, samples) },
            Calibration = new Dictionary<string, CalibrationCounts> { ["none"] = new(yes, no) },
        }) with { DeploymentNames = ["qwen", "qwen-v2"] };
    }

    [Test]
    public void Compute_CandidateMissing_ConditionAndWarningNameTheField()
    {
        var observed = RoutingPolicyFixtures.Observed(WithCandidate()) with { DeploymentNames = ["qwen"] };

        var plan = RoutingPolicyPlanner.Compute(observed);

        var condition = Condition(plan, RoutingPolicyConditionTypes.CandidateReady);
        condition.Status.Should().Be("False");
        condition.Reason.Should().Be(RoutingPolicyReasons.CandidateNotFound);
        condition.Message.Should().Contain("spec.candidate.deploymentRef.name").And.Contain("qwen-v2");
        plan.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Warning && e.Reason == RoutingPolicyReasons.CandidateNotFound);
        Condition(plan, RoutingPolicyConditionTypes.Ready).Status.Should().Be("True", "a missing candidate does not stop the policy serving");
    }

    [Test]
    public void Compute_GateNotMet_FalseWithTheNumbersAndNoPromotion()
    {
        var plan = RoutingPolicyPlanner.Compute(Observed(WithCandidate(), agreed: 90, samples: 100));

        var condition = Condition(plan, RoutingPolicyConditionTypes.CandidateReady);
        condition.Status.Should().Be("False");
        condition.Message.Should().Contain("90 of 100");
        plan.Status.Candidate!.AgreementLowerBound.Should().BeLessThan(0.9);
        plan.Status.Promotion.Should().BeNull();
    }

    [Test]
    public void Compute_GatePassedWithAutomaticPromotion_SwitchesWithEventsOnce()
    {
        var observed = Observed(WithCandidate(), agreed: 995, samples: 1000, calibrationAgreed: 400, calibrationSamples: 420);

        var plan = RoutingPolicyPlanner.Compute(observed);

        Condition(plan, RoutingPolicyConditionTypes.CandidateReady).Status.Should().Be("True");
        plan.Status.Promotion!.Deployment.Should().Be("qwen-v2");
        plan.Status.Promotion.SamplesAtSwitch.Should().Be(420);
        plan.Events.Should().Contain(e => e.Reason == RoutingPolicyReasons.GatePassed).And.Contain(e => e.Reason == RoutingPolicyReasons.CandidatePromoted);

        var again = RoutingPolicyPlanner.Compute(Applied(observed, plan));
        again.Status.Promotion!.Since.Should().Be(plan.Status.Promotion.Since);
        again.Events.Should().BeEmpty();
    }

    [Test]
    public void Compute_ManualPromotion_ReadyButNoSwitch()
    {
        var plan = RoutingPolicyPlanner.Compute(Observed(WithCandidate("manual"), agreed: 995, samples: 1000));

        Condition(plan, RoutingPolicyConditionTypes.CandidateReady).Status.Should().Be("True");
        plan.Status.Promotion.Should().BeNull();
    }

    [Test]
    public void Compute_AgreementFallsAfterTheSwitch_RollsBackOnceAndDoesNotPromoteAgain()
    {
        var policy = WithCandidate(rollbackBelow: 0.8);
        var promoted = RoutingPolicyPlanner.Compute(Observed(policy, agreed: 995, samples: 1000, calibrationAgreed: 400, calibrationSamples: 420));
        var afterSwitch = Applied(Observed(policy, agreed: 995, samples: 1000, calibrationAgreed: 400, calibrationSamples: 420), promoted);

        // Since the switch: 150 of 320 calibration samples agreed with the LLM (47 %), far below 0.8.
        var plan = RoutingPolicyPlanner.Compute(afterSwitch with { Usage = Observed(policy, 995, 1000, 550, 740).Usage });

        plan.Status.Promotion.Should().BeNull();
        plan.Status.Candidate!.RolledBack.Should().BeTrue();
        plan.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Warning && e.Reason == RoutingPolicyReasons.CandidateRolledBack);
        var later = RoutingPolicyPlanner.Compute(Applied(afterSwitch with { Usage = Observed(policy, 995, 1000, 550, 740).Usage }, plan));
        later.Status.Promotion.Should().BeNull("a rolled-back candidate is not promoted again until it changes");
    }
}
