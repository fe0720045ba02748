using SlmFleet.Api.V1Alpha1;
using SlmFleet.Router.Routing;

namespace SlmFleet.Router.Tests.Routing;

[TestFixture]
public sealed class RoutingDeciderTests
{
    private static RoutingPolicySpec Policy(double threshold = 0.85, string aggregate = "mean", params RoutingRule[] rules) => new()
    {
        ModelAlias = "m",
        Rules = [.. rules],
        Escalation = new EscalationSpec { ConfidenceThreshold = threshold, ConfidenceAggregate = aggregate },
    };

    private static RequestFeatures Features(string? task = null, int tokens = 10, params string[] flags) =>
        new(task, tokens, new HashSet<string>(flags, StringComparer.OrdinalIgnoreCase), null, false);

    private static RoutingRule Rule(string name, string target, RuleMatch match) => new() { Name = name, Target = target, Match = match };

    [Test]
    public void Route_NoRules_UsesDefaultTarget()
    {
        var decision = RoutingDecider.Route(Policy(), Features(), BudgetState.Unlimited);

        decision.Should().Be(new RouteDecision(RouteTarget.Slm, RouteReasons.Default));
    }

    [Test]
    public void Route_FirstMatchingRuleWins()
    {
        var policy = Policy(rules: [
            Rule("long", "llm", new RuleMatch { MinPromptTokens = 100 }),
            Rule("extract", "slm", new RuleMatch { TaskTypes = ["extraction"] }),
            Rule("catch-all-extract", "llm", new RuleMatch { TaskTypes = ["EXTRACTION"] }),
        ]);

        RoutingDecider.Route(policy, Features("extraction", 500), BudgetState.Unlimited).RuleName.Should().Be("long");
        RoutingDecider.Route(policy, Features("Extraction", 50), BudgetState.Unlimited).Should().Be(new RouteDecision(RouteTarget.Slm, RouteReasons.Rule, "extract"));
    }

    [Test]
    public void Route_AllConditionsMustHold()
    {
        var policy = Policy(rules: [Rule("premium-short", "llm", new RuleMatch { Flags = ["premium", "vip"], MaxPromptTokens = 20 })]);

        RoutingDecider.Route(policy, Features(null, 10, "premium"), BudgetState.Unlimited).Target.Should().Be(RouteTarget.Slm);
        RoutingDecider.Route(policy, Features(null, 30, "premium", "vip"), BudgetState.Unlimited).Target.Should().Be(RouteTarget.Slm);
        RoutingDecider.Route(policy, Features(null, 10, "VIP", "premium"), BudgetState.Unlimited).Target.Should().Be(RouteTarget.Llm);
    }

    [Test]
    public void Route_LlmRuleWithBudgetExhausted_SlmOnlyRedirectsToSlm()
    {
        var policy = Policy(rules: [Rule("all", "llm", new RuleMatch())]);

        var decision = RoutingDecider.Route(policy, Features(), new BudgetState(true, false));

        decision.Should().Be(new RouteDecision(RouteTarget.Slm, RouteReasons.BudgetExhausted, "all"));
    }

    [Test]
    public void Route_LlmRuleWithBudgetExhausted_RejectRejects()
    {
        var policy = Policy(rules: [Rule("all", "llm", new RuleMatch())]);

        RoutingDecider.Route(policy, Features(), new BudgetState(true, true)).Reject.Should().BeTrue();
    }

    [TestCase(0.9, 0.1, "mean", true)]
    [TestCase(0.9, 0.1, "min", false)]
    [TestCase(0.84, 0.84, "mean", false)]
    [TestCase(0.85, 0.85, "min", true)]
    public void Judge_Generation_ComparesChosenAggregate(double mean, double min, string aggregate, bool accepted)
    {
        var expected = accepted ? VerdictAction.Accept : VerdictAction.Escalate;
        var verdict = RoutingDecider.Judge(Policy(0.85, aggregate), new SlmOutcome(SlmOutcomeKind.Answered, null, mean, min), 1, RouteReasons.Default, BudgetState.Unlimited);

        verdict.Action.Should().Be(expected);
        verdict.Reason.Should().Be(expected == VerdictAction.Accept ? RouteReasons.Confident : RouteReasons.LowConfidence);
    }

    [Test]
    public void Judge_Classification_UsesLabelProbability()
    {
        var verdict = RoutingDecider.Judge(Policy(0.6), new SlmOutcome(SlmOutcomeKind.Answered, LabelConfidence: 0.7, MeanTokenProbability: 0.01), 1, RouteReasons.Default, BudgetState.Unlimited);

        verdict.Action.Should().Be(VerdictAction.Accept);
        verdict.Confidence.Should().Be(0.7);
    }

    [Test]
    public void Judge_SchemaFails_RetriesThenEscalates()
    {
        var failed = new SlmOutcome(SlmOutcomeKind.Answered, null, 0.99, 0.99, SchemaSatisfied: false);

        RoutingDecider.Judge(Policy(), failed, 1, RouteReasons.Default, BudgetState.Unlimited).Action.Should().Be(VerdictAction.RetrySlm);
        RoutingDecider.Judge(Policy(), failed, 2, RouteReasons.Default, BudgetState.Unlimited).Should().Be(new SlmVerdict(VerdictAction.Escalate, RouteReasons.SchemaFail, 0.99));
    }

    [Test]
    public void Judge_TimeoutAndUnavailable_EscalateOrFailPerPolicy()
    {
        var policy = Policy();
        RoutingDecider.Judge(policy, new SlmOutcome(SlmOutcomeKind.Timeout), 1, RouteReasons.Default, BudgetState.Unlimited).Reason.Should().Be(RouteReasons.Timeout);
        RoutingDecider.Judge(policy, new SlmOutcome(SlmOutcomeKind.Unavailable), 1, RouteReasons.Default, BudgetState.Unlimited).Reason.Should().Be(RouteReasons.Unavailable);

        policy.Escalation!.OnTimeout = false;
        policy.Escalation.OnUnavailable = false;
        RoutingDecider.Judge(policy, new SlmOutcome(SlmOutcomeKind.Timeout), 1, RouteReasons.Default, BudgetState.Unlimited).StatusCode.Should().Be(504);
        RoutingDecider.Judge(policy, new SlmOutcome(SlmOutcomeKind.Unavailable), 1, RouteReasons.Default, BudgetState.Unlimited).StatusCode.Should().Be(503);
    }

    [Test]
    public void Judge_EscalationWithBudgetExhausted_KeepsSlmAnswerOrFails()
    {
        var low = new SlmOutcome(SlmOutcomeKind.Answered, null, 0.1, 0.1);

        RoutingDecider.Judge(Policy(), low, 1, RouteReasons.Default, new BudgetState(true, false)).Should().Be(new SlmVerdict(VerdictAction.Accept, RouteReasons.BudgetExhausted, 0.1));
        RoutingDecider.Judge(Policy(), low, 1, RouteReasons.Default, new BudgetState(true, true)).StatusCode.Should().Be(429);
        RoutingDecider.Judge(Policy(), new SlmOutcome(SlmOutcomeKind.Timeout), 1, RouteReasons.Default, new BudgetState(true, false)).StatusCode.Should().Be(503);
    }

    [Test]
    public void Judge_AcceptedAfterRule_KeepsRuleReason()
    {
        var verdict = RoutingDecider.Judge(Policy(0.0), new SlmOutcome(SlmOutcomeKind.Answered, null, 0.5, 0.5), 1, RouteReasons.Rule, BudgetState.Unlimited);

        verdict.Reason.Should().Be(RouteReasons.Rule);
    }
}
