using System.Text;
using FluentAssertions;
using k8s;
using NUnit.Framework;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.RoutingPolicies;
using SlmFleet.Testing;
using static SlmFleet.Operator.Tests.RoutingPolicies.RoutingPolicyFixtures;

namespace SlmFleet.Operator.Tests.RoutingPolicies;

/// <summary>The RoutingPolicy controller end to end: real client, informers, queue, reconciler and collector against the API test server.</summary>
[TestFixture]
public sealed class RoutingPolicyControllerTests
{
    private const string SecretValue = "sk-test-9f8e7d6c5b4a-never-shown";

    [Test]
    public async Task Run_SlmDeploymentMissingThenCreated_TargetsResolvedFollowsThroughTheWatch()
    {
        // Arrange: usage re-planning far away, so only the SlmDeployment watch can bring the policy back.
        await using var harness = await PolicyControllerHarness.StartAsync(TimeSpan.FromMinutes(10));
        await harness.CreateAsync(Policy(secret: null));
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.TargetsResolved)?.Status == "False", "TargetsResolved=False while the SlmDeployment is missing");

        // Assert (missing)
        var missing = harness.Condition("support", RoutingPolicyConditionTypes.TargetsResolved)!;
        missing.Reason.Should().Be(RoutingPolicyReasons.SlmDeploymentNotFound);
        missing.Message.Should().Contain("spec.slm.deploymentRef.name").And.Contain("\"qwen\"");
        harness.Condition("support", RoutingPolicyConditionTypes.Ready)!.Status.Should().Be("False");
        await Poll.UntilAsync(() => harness.Events("support").Any(e => e.Type == "Warning" && e.Reason == RoutingPolicyReasons.SlmDeploymentNotFound), "a Warning Event names the missing SlmDeployment");

        // Act
        await harness.CreateAsync(Deployment());

        // Assert (created)
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.TargetsResolved)?.Status == "True", "TargetsResolved=True once the SlmDeployment exists");
        harness.Condition("support", RoutingPolicyConditionTypes.Ready)!.Status.Should().Be("True");
        harness.Get("support")!.Status.ObservedGeneration.Should().Be(harness.Get("support")!.Metadata.Generation);
    }

    [Test]
    public async Task Run_SecretMissingThenWithoutKeyThenWithKey_SecretPresentFollowsAndValueNeverShown()
    {
        // Arrange
        await using var harness = await PolicyControllerHarness.StartAsync(TimeSpan.FromMinutes(10));
        await harness.CreateAsync(Deployment());
        await harness.CreateAsync(Policy(secret: "openai"));

        // Act + Assert: no Secret.
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.SecretPresent)?.Reason == RoutingPolicyReasons.SecretNotFound, "SecretPresent=False: Secret not found");
        harness.Condition("support", RoutingPolicyConditionTypes.SecretPresent)!.Message.Should().Contain("spec.llm.apiKeySecretRef.name").And.Contain("\"openai\"");

        // Act + Assert: the Secret exists but holds the key under another name.
        await harness.CreateSecretAsync("openai", new Dictionary<string, string> { ["apikey"] = SecretValue });
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.SecretPresent)?.Reason == RoutingPolicyReasons.SecretKeyNotFound, "SecretPresent=False: key missing");
        harness.Condition("support", RoutingPolicyConditionTypes.SecretPresent)!.Message.Should().Contain("spec.llm.apiKeySecretRef.key").And.Contain("\"api-key\"").And.Contain("apikey");

        // Act + Assert: the key appears.
        var secret = await harness.Client.CoreV1.ReadNamespacedSecretAsync("openai", Namespace);
        secret.Data["api-key"] = Encoding.UTF8.GetBytes(SecretValue);
        await harness.Client.CoreV1.ReplaceNamespacedSecretAsync(secret, "openai", Namespace);
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.SecretPresent)?.Status == "True", "SecretPresent=True once the key exists");
        harness.Condition("support", RoutingPolicyConditionTypes.Ready)!.Status.Should().Be("True");

        // Assert: the value appears nowhere the operator writes, neither plain nor base64.
        var written = KubernetesJson.Serialize(harness.Get("support")) + string.Join("\n", harness.Events("support").Select(e => KubernetesJson.Serialize(e))) + await harness.MetricsTextAsync();
        written.Should().NotContain(SecretValue).And.NotContain(Convert.ToBase64String(Encoding.UTF8.GetBytes(SecretValue)));
        harness.Events("support").Should().Contain(e => e.Reason == RoutingPolicyReasons.SecretKeyNotFound);
    }

    [Test]
    public async Task Run_EmptyPromptTokenRange_ReadyFalseNamingTheFieldAndWarningEvent()
    {
        // Arrange
        await using var harness = await PolicyControllerHarness.StartAsync();
        await harness.CreateAsync(Deployment());
        var policy = Policy(secret: null);
        policy.Spec.Rules = [new RoutingRule { Name = "long", Target = "llm", Match = new RuleMatch { MinPromptTokens = 500, MaxPromptTokens = 100 } }];

        // Act
        await harness.CreateAsync(policy);

        // Assert
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.Ready)?.Reason == RoutingPolicyReasons.InvalidSpec, "Ready=False: invalid spec");
        harness.Condition("support", RoutingPolicyConditionTypes.Ready)!.Message.Should().Contain("spec.rules[0].match");
        await Poll.UntilAsync(() => harness.Events("support").Any(e => e.Type == "Warning" && e.Reason == RoutingPolicyReasons.InvalidSpec && e.Message.Contains("spec.rules[0].match", StringComparison.Ordinal)), "a Warning Event names the field");
    }

    [Test]
    public async Task Run_TwoPoliciesSameAlias_NewerNotReadyNamingModelAliasUntilRenamed()
    {
        // Arrange
        await using var harness = await PolicyControllerHarness.StartAsync();
        await harness.CreateAsync(Deployment());
        await harness.CreateAsync(Policy(name: "a-first", secret: null));
        await Poll.UntilAsync(() => harness.Condition("a-first", RoutingPolicyConditionTypes.Ready)?.Status == "True", "the first policy is Ready");

        // Act
        await harness.CreateAsync(Policy(name: "b-second", secret: null));

        // Assert
        await Poll.UntilAsync(() => harness.Condition("b-second", RoutingPolicyConditionTypes.Ready)?.Reason == RoutingPolicyReasons.DuplicateModelAlias, "the newer policy loses the alias");
        harness.Condition("b-second", RoutingPolicyConditionTypes.Ready)!.Message.Should().Contain("spec.modelAlias").And.Contain("\"a-first\"");
        harness.Condition("a-first", RoutingPolicyConditionTypes.Ready)!.Status.Should().Be("True");

        // Act: the first policy is deleted; the alias is free.
        await harness.Client.CustomObjects.DeleteNamespacedCustomObjectAsync(RoutingPolicyResource.Group, RoutingPolicyResource.Version, Namespace, RoutingPolicyResource.Plural, "a-first");

        // Assert
        await Poll.UntilAsync(() => harness.Condition("b-second", RoutingPolicyConditionTypes.Ready)?.Status == "True", "the remaining policy gets the alias through the policy watch");
    }

    [Test]
    public async Task Run_RouterUsage_StatusCountsSpendSavingsAndOneBudgetAlertEvent()
    {
        // Arrange
        await using var harness = await PolicyControllerHarness.StartAsync(TimeSpan.FromMilliseconds(200));
        await harness.CreateAsync(Deployment());
        await harness.CreateAsync(Policy(secret: null, monthlyBudget: 10));
        harness.Usage.Set(
            new RouterMetricsText(Namespace, "router-a", RouterPage("support-bot", slm: 70, llm: 30, lowConfidence: 20, rule: 10, spendUsd: 6.0, promptTokens: 2_000_000, completionTokens: 500_000)),
            new RouterMetricsText(Namespace, "router-b", RouterPage("support-bot", slm: 20, llm: 0, lowConfidence: 0, rule: 0, spendUsd: 0, promptTokens: 400_000, completionTokens: 100_000)));

        // Act + Assert: 6 of 10 USD is below the 0.8 alert fraction.
        await Poll.UntilAsync(() => harness.Get("support")?.Status?.Requests == 120, "status shows the routers' requests");
        var status = harness.Get("support")!.Status;
        status.SlmRequests.Should().Be(90);
        status.LlmRequests.Should().Be(30);
        status.EscalationsByReason.Should().BeEquivalentTo(new Dictionary<string, long> { ["low_confidence"] = 20, ["rule"] = 10 });
        status.EscalationRate.Should().BeApproximately(0.25, 1e-9);
        status.SpendThisMonthUsd.Should().BeApproximately(6.0, 1e-9);
        status.BudgetFraction.Should().BeApproximately(0.6, 1e-9);
        // Baseline: 2.4M prompt × $2.5/M + 0.6M completion × $10/M = $12; spent $6.
        status.SavingsThisMonthUsd.Should().BeApproximately(6.0, 1e-9);
        status.Month.Should().Be(RouterUsageCollector.Month(DateTimeOffset.UtcNow));
        harness.Condition("support", RoutingPolicyConditionTypes.BudgetAlert)!.Status.Should().Be("False");

        // Act + Assert: spend reaches 8.5 of 10.
        harness.Usage.Set(new RouterMetricsText(Namespace, "router-a", RouterPage("support-bot", 70, 30, 20, 10, 8.5, 2_000_000, 500_000)));
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.BudgetAlert)?.Status == "True", "BudgetAlert=True at 0.85");
        // The gauges are set after the status write and the Events: wait for them rather than race them.
        await Poll.UntilAsync(async () => (await harness.MetricsTextAsync()).Contains("slm_operator_routingpolicy_budget_alert{namespace=\"ml\",policy=\"support\"} 1", StringComparison.Ordinal), "the budget gauges follow the status");
        (await harness.MetricsTextAsync()).Should().Contain("slm_operator_routingpolicy_budget_fraction{namespace=\"ml\",policy=\"support\"} 0.85")
            .And.Contain("slm_operator_routingpolicy_budget_alert{namespace=\"ml\",policy=\"support\"} 1");
        var reconciles = harness.Reconciles;
        await Poll.UntilAsync(() => harness.Reconciles >= reconciles + 5, "several more usage intervals pass");
        harness.Events("support").Count(e => e.Reason == RoutingPolicyReasons.AlertFractionReached).Should().Be(1, "the alert is posted when it fires, not on every interval");

        // Act + Assert: exhausted.
        harness.Usage.Set(new RouterMetricsText(Namespace, "router-a", RouterPage("support-bot", 70, 30, 20, 10, 10.5, 2_000_000, 500_000)));
        await Poll.UntilAsync(() => harness.Condition("support", RoutingPolicyConditionTypes.BudgetExhausted)?.Status == "True", "BudgetExhausted=True at 1.05");
        await Poll.UntilAsync(() => harness.Events("support").Any(e => e.Type == "Warning" && e.Reason == RoutingPolicyReasons.BudgetExhausted), "a Warning Event says the budget is exhausted");
        harness.Events("support").Count(e => e.Reason == RoutingPolicyReasons.AlertFractionReached).Should().Be(1);
    }

    [Test]
    public async Task Run_SteadyState_ReconcilesWithoutWrites()
    {
        // Arrange
        await using var harness = await PolicyControllerHarness.StartAsync(TimeSpan.FromMilliseconds(200));
        await harness.CreateAsync(Deployment());
        await harness.CreateSecretAsync("openai", new Dictionary<string, string> { ["api-key"] = SecretValue });
        await harness.CreateAsync(Policy(monthlyBudget: 10));
        harness.Usage.Set(new RouterMetricsText(Namespace, "router-a", RouterPage("support-bot", 70, 30, 20, 10, 2, 1000, 100)));
        await Poll.UntilAsync(() => harness.Get("support")?.Status?.Requests == 100 && harness.Condition("support", RoutingPolicyConditionTypes.Ready)?.Status == "True", "the policy converges");
        await Task.Delay(TimeSpan.FromSeconds(1)); // let trailing watch events drain before counting
        harness.Server.Requests.Reset();
        var before = harness.Reconciles;

        // Act
        await Poll.UntilAsync(() => harness.Reconciles >= before + 5, "the policy is re-planned every usage interval");

        // Assert
        harness.Server.Requests.Writes.Should().Be(0);
    }
}
