using FluentAssertions;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.RoutingPolicies;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

[TestFixture]
public sealed class RoutingPolicyPlannerTests
{
    private static readonly PolicyUsage Usage100 = new()
    {
        Month = "2026-03",
        Requests = 100,
        SlmRequests = 80,
        LlmRequests = 20,
        EscalationsByReason = new Dictionary<string, long> { ["low_confidence"] = 15, ["rule"] = 5, ["budget_exhausted"] = 3 },
        SpendUsd = 1.5,
        PromptTokens = 1_000_000,
        CompletionTokens = 200_000,
    };

    [Test]
    public void Compute_EverythingPresent_ReadyAndResolved()
    {
        // Act
        var plan = RoutingPolicyPlanner.Compute(Observed(Policy()));

        // Assert
        Condition(plan, RoutingPolicyConditionTypes.Ready).Status.Should().Be("True");
        Condition(plan, RoutingPolicyConditionTypes.TargetsResolved).Status.Should().Be("True");
        Condition(plan, RoutingPolicyConditionTypes.SecretPresent).Status.Should().Be("True");
        plan.Status.ObservedGeneration.Should().Be(1);
        plan.StatusChanged.Should().BeTrue();
        plan.Events.Should().BeEmpty("a policy that is fine from the start has nothing to warn about");
    }

    [Test]
    public void Compute_DeploymentMissing_TargetsResolvedFalseNamingFieldValueAndExisting()
    {
        // Arrange
        var observed = Observed(Policy(deployment: "qwen-typo")) with { Deployment = null, DeploymentNames = ["qwen", "phi3"] };

        // Act
        var plan = RoutingPolicyPlanner.Compute(observed);

        // Assert
        var targets = Condition(plan, RoutingPolicyConditionTypes.TargetsResolved);
        targets.Status.Should().Be("False");
        targets.Reason.Should().Be(RoutingPolicyReasons.SlmDeploymentNotFound);
        targets.Message.Should().Contain("spec.slm.deploymentRef.name").And.Contain("\"qwen-typo\"").And.Contain("phi3, qwen");
        Condition(plan, RoutingPolicyConditionTypes.Ready).Status.Should().Be("False");
        plan.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Warning && e.Reason == RoutingPolicyReasons.SlmDeploymentNotFound);
    }

    [Test]
    public void Compute_DeploymentNotReady_ResolvedButSaysRequestsEscalate()
    {
        // Arrange
        var observed = Observed(Policy()) with { Deployment = Deployment(ready: false) };

        // Act
        var plan = RoutingPolicyPlanner.Compute(observed);

        // Assert
        Condition(plan, RoutingPolicyConditionTypes.TargetsResolved).Status.Should().Be("True");
        Condition(plan, RoutingPolicyConditionTypes.TargetsResolved).Message.Should().Contain("not Ready").And.Contain("unavailable");
    }

    [Test]
    public void Compute_SecretMissing_SecretPresentFalseNamingNameField()
    {
        // Arrange
        var observed = Observed(Policy(secret: "llm-key")) with { SecretKeys = null };

        // Act
        var plan = RoutingPolicyPlanner.Compute(observed);

        // Assert
        var secret = Condition(plan, RoutingPolicyConditionTypes.SecretPresent);
        secret.Status.Should().Be("False");
        secret.Reason.Should().Be(RoutingPolicyReasons.SecretNotFound);
        secret.Message.Should().Contain("spec.llm.apiKeySecretRef.name").And.Contain("\"llm-key\"").And.Contain("\"api-key\"");
        plan.Events.Should().Contain(e => e.Reason == RoutingPolicyReasons.SecretNotFound && e.Type == PlannedEvent.Warning);
    }

    [Test]
    public void Compute_SecretWithoutDefaultKey_SecretKeyNotFoundListingKeys()
    {
        // Arrange
        var observed = Observed(Policy()) with { SecretKeys = ["token", "apiKey"] };

        // Act
        var plan = RoutingPolicyPlanner.Compute(observed);

        // Assert
        var secret = Condition(plan, RoutingPolicyConditionTypes.SecretPresent);
        secret.Reason.Should().Be(RoutingPolicyReasons.SecretKeyNotFound);
        secret.Message.Should().Contain("spec.llm.apiKeySecretRef.key").And.Contain("\"api-key\"").And.Contain("apiKey, token");
    }

    [Test]
    public void Compute_ExplicitKeyPresent_SecretPresentTrue()
    {
        // Arrange
        var policy = Policy();
        policy.Spec.Llm.ApiKeySecretRef!.Key = "openai-key";
        var observed = Observed(policy) with { SecretKeys = ["openai-key"] };

        // Act
        var plan = RoutingPolicyPlanner.Compute(observed);

        // Assert
        Condition(plan, RoutingPolicyConditionTypes.SecretPresent).Status.Should().Be("True");
        Condition(plan, RoutingPolicyConditionTypes.Ready).Status.Should().Be("True");
    }

    [Test]
    public void Compute_NoSecretReferenced_SecretPresentTrueSaysNoKey()
    {
        // Act
        var plan = RoutingPolicyPlanner.Compute(Observed(Policy(secret: null)) with { SecretKeys = null });

        // Assert
        Condition(plan, RoutingPolicyConditionTypes.SecretPresent).Reason.Should().Be(RoutingPolicyReasons.NoSecretReferenced);
        Condition(plan, RoutingPolicyConditionTypes.Ready).Status.Should().Be("True");
    }

    [Test]
    public void Compute_EmptyPromptTokenRange_ReadyFalseNamingTheField()
    {
        // Arrange
        var policy = Policy();
        policy.Spec.Rules = [new RoutingRule { Name = "long", Target = "llm", Match = new RuleMatch { MinPromptTokens = 500, MaxPromptTokens = 100 } }];

        // Act
        var plan = RoutingPolicyPlanner.Compute(Observed(policy));

        // Assert
        var ready = Condition(plan, RoutingPolicyConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Reason.Should().Be(RoutingPolicyReasons.InvalidSpec);
        ready.Message.Should().Contain("spec.rules[0].match").And.Contain("maxPromptTokens");
        plan.Events.Should().ContainSingle(e => e.Reason == RoutingPolicyReasons.InvalidSpec && e.Type == PlannedEvent.Warning);
    }

    [Test]
    public void Compute_AliasHeldByOlderPolicy_ReadyFalseNamingModelAlias()
    {
        // Arrange
        var observed = Observed(Policy(name: "newer")) with { AliasHeldBy = "older" };

        // Act
        var plan = RoutingPolicyPlanner.Compute(observed);

        // Assert
        var ready = Condition(plan, RoutingPolicyConditionTypes.Ready);
        ready.Status.Should().Be("False");
        ready.Reason.Should().Be(RoutingPolicyReasons.DuplicateModelAlias);
        ready.Message.Should().Contain("spec.modelAlias").And.Contain("\"support-bot\"").And.Contain("\"older\"");
    }

    [Test]
    public void Compute_SameObservationAfterWrite_NoChangeNoEvents()
    {
        // Arrange
        var first = Observed(Policy(monthlyBudget: 10), Usage100) with { Deployment = null, DeploymentNames = [] };
        var firstPlan = RoutingPolicyPlanner.Compute(first);
        var applied = Applied(first, firstPlan) with { Now = T0.AddMinutes(5) };

        // Act
        var second = RoutingPolicyPlanner.Compute(applied);

        // Assert
        firstPlan.Events.Should().NotBeEmpty();
        second.StatusChanged.Should().BeFalse();
        second.Events.Should().BeEmpty();
    }

    [Test]
    public void Compute_Usage_CountsRateSpendAndSavingsAgainstLlmOnlyBaseline()
    {
        // Act
        var plan = RoutingPolicyPlanner.Compute(Observed(Policy(monthlyBudget: 10), Usage100));

        // Assert
        var status = plan.Status;
        status.Month.Should().Be("2026-03");
        status.Requests.Should().Be(100);
        status.SlmRequests.Should().Be(80);
        status.LlmRequests.Should().Be(20);
        status.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 15, ["rule"] = 5, ["budget_exhausted"] = 3 });
        status.EscalationRate.Should().BeApproximately(0.2, 1e-9, "budget_exhausted answers stayed on the SLM: 20 of 100 went to the LLM");
        status.SpendThisMonthUsd.Should().BeApproximately(1.5, 1e-9);
        status.BudgetFraction.Should().BeApproximately(0.15, 1e-9);
        // Baseline: 1M prompt tokens × $2.5/M + 0.2M completion tokens × $10/M = $4.5; spent $1.5.
        status.SavingsThisMonthUsd.Should().BeApproximately(3.0, 1e-9);
        Condition(plan, RoutingPolicyConditionTypes.BudgetAlert).Status.Should().Be("False");
        Condition(plan, RoutingPolicyConditionTypes.BudgetExhausted).Status.Should().Be("False");
    }

    [Test]
    public void Compute_SpendCrossesAlertThenExhausts_OneWarningEach()
    {
        // Arrange
        var observed = Observed(Policy(monthlyBudget: 10), Usage100 with { SpendUsd = 7 });
        var events = new List<PlannedEvent>();

        // Act: spend moves 7 → 8.2 → 8.6 → 10.1 within the month.
        foreach (var spend in new[] { 7, 8.2, 8.6, 10.1 })
        {
            observed = observed with { Usage = Usage100 with { SpendUsd = spend } };
            var plan = RoutingPolicyPlanner.Compute(observed);
            events.AddRange(plan.Events);
            observed = Applied(observed, plan);
        }

        // Assert
        events.Where(e => e.Reason == RoutingPolicyReasons.AlertFractionReached).Should().ContainSingle()
            .Which.Message.Should().Contain("spec.budget.alertFraction").And.Contain("$8.2");
        events.Where(e => e.Reason == RoutingPolicyReasons.BudgetExhausted).Should().ContainSingle()
            .Which.Type.Should().Be(PlannedEvent.Warning);
        observed.Policy.Status.Conditions!.Single(c => c.Type == RoutingPolicyConditionTypes.BudgetAlert).Status.Should().Be("True");
        observed.Policy.Status.Conditions!.Single(c => c.Type == RoutingPolicyConditionTypes.BudgetExhausted).Status.Should().Be("True");
    }

    [Test]
    public void Compute_NewMonthAfterAlert_ClearsThenWarnsAgainWhenReached()
    {
        // Arrange
        var observed = Observed(Policy(monthlyBudget: 10), Usage100 with { SpendUsd = 9 });
        observed = Applied(observed, RoutingPolicyPlanner.Compute(observed));

        // Act
        var april = observed with { Usage = Usage100 with { Month = "2026-04", SpendUsd = 0.5 }, Now = new DateTime(2026, 4, 1, 0, 1, 0, DateTimeKind.Utc) };
        var cleared = RoutingPolicyPlanner.Compute(april);
        var reached = RoutingPolicyPlanner.Compute(Applied(april, cleared) with { Usage = Usage100 with { Month = "2026-04", SpendUsd = 8.5 } });

        // Assert
        cleared.Status.Month.Should().Be("2026-04");
        Condition(cleared, RoutingPolicyConditionTypes.BudgetAlert).Status.Should().Be("False");
        cleared.Events.Should().BeEmpty();
        reached.Events.Should().ContainSingle(e => e.Reason == RoutingPolicyReasons.AlertFractionReached);
    }

    [Test]
    public void Compute_NoUsageCollectedYet_KeepsPreviousNumbers()
    {
        // Arrange
        var observed = Observed(Policy(monthlyBudget: 10), Usage100);
        var applied = Applied(observed, RoutingPolicyPlanner.Compute(observed)) with { Usage = null };

        // Act
        var plan = RoutingPolicyPlanner.Compute(applied);

        // Assert
        plan.StatusChanged.Should().BeFalse();
        plan.Status.Requests.Should().Be(100);
        plan.Status.SpendThisMonthUsd.Should().BeApproximately(1.5, 1e-9);
    }

    [Test]
    public void Compute_BudgetButNeverAnyUsage_BudgetConditionsUnknown()
    {
        // Act
        var plan = RoutingPolicyPlanner.Compute(Observed(Policy(monthlyBudget: 10)));

        // Assert
        Condition(plan, RoutingPolicyConditionTypes.BudgetAlert).Status.Should().Be("Unknown");
        plan.Status.Requests.Should().BeNull();
    }

    [Test]
    public void Compute_ProblemFixed_NormalEventOnce()
    {
        // Arrange
        var broken = Observed(Policy()) with { Deployment = null };
        var brokenApplied = Applied(broken, RoutingPolicyPlanner.Compute(broken));

        // Act
        var fixedPlan = RoutingPolicyPlanner.Compute(brokenApplied with { Deployment = Deployment() });

        // Assert
        Condition(fixedPlan, RoutingPolicyConditionTypes.Ready).Status.Should().Be("True");
        fixedPlan.Events.Should().ContainSingle(e => e.Type == PlannedEvent.Normal && e.Reason == RoutingPolicyReasons.Resolved);
    }

    [Test]
    public void Compute_UsageSeededFromAStatus_SavingsAddTheSeededBaseline()
    {
        // Arrange: the tokens counted since the seed cost 1M × $2.5/M + 0.2M × $10/M = $4.5 at LLM prices;
        // the seeded status held a $10 baseline for the tokens before it.
        var observed = Observed(Policy(), Usage100 with { SeededBaselineUsd = 10 });

        // Act
        var plan = RoutingPolicyPlanner.Compute(observed);

        // Assert
        plan.Status.SavingsThisMonthUsd.Should().BeApproximately(10 + 4.5 - 1.5, 1e-9);
        plan.Status.SpendThisMonthUsd.Should().Be(1.5);
    }
}
