using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Routing;

/// <summary>
/// The routing policy as pure functions: no clock, no client, no randomness. The executor
/// (<see cref="RequestRouter"/>) calls <see cref="Route"/> once, then <see cref="Judge"/> after each
/// SLM attempt:
/// <code>
///   Route ──► slm ──► attempt ──► Judge ──► Accept        (answer from the SLM)
///    │                  ▲           ├─────► RetrySlm      (schema failed, retries left)
///    │                  └───────────┤
///    │                              ├─────► Escalate      (low_confidence | schema_fail | timeout | unavailable | unsupported: too long)
///    │                              └─────► Fail          (escalation off for that cause, or budget says reject)
///    └──► llm (unsupported / rule / default) ─► LLM answers (or 429 when the budget rejects)
/// </code>
/// </summary>
internal static class RoutingDecider
{
    /// <summary>First target for a request: the first matching rule, else the policy's default.</summary>
    public static RouteDecision Route(RoutingPolicySpec policy, RequestFeatures features, BudgetState budget)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(features);

        // A capability the SLM lacks is not a preference: it outranks every rule.
        var decision = features.Unsupported is not null
            ? new RouteDecision(RouteTarget.Llm, RouteReasons.Unsupported)
            : FirstMatch(policy, features);
        if (decision.Target == RouteTarget.Llm && budget.Exhausted)
        {
            // Spent: the LLM is off limits. slm-only serves the SLM instead; reject refuses.
            // An unsupported request cannot fall back to the SLM: it is refused under either setting.
            return budget.RejectWhenExhausted || features.Unsupported is not null
                ? decision with { Reason = RouteReasons.BudgetExhausted, Reject = true }
                : new RouteDecision(RouteTarget.Slm, RouteReasons.BudgetExhausted, decision.RuleName);
        }

        return decision;
    }

    /// <summary>Direct SLM requests (the model is a served name, not an alias) never escalate.</summary>
    public static SlmVerdict JudgeDirect(SlmOutcome outcome)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        return outcome.Kind switch
        {
            SlmOutcomeKind.Answered => new SlmVerdict(VerdictAction.Accept, RouteReasons.Direct, ConfidenceOf(outcome, "mean")),
            SlmOutcomeKind.Timeout => new SlmVerdict(VerdictAction.Fail, RouteReasons.Timeout, null, 504),
            SlmOutcomeKind.TooLong => new SlmVerdict(VerdictAction.Fail, RouteReasons.Unsupported, null, 400),
            SlmOutcomeKind.SchemaUnsupported => new SlmVerdict(VerdictAction.Fail, RouteReasons.Unsupported, null, 400, "schema"),
            _ => new SlmVerdict(VerdictAction.Fail, RouteReasons.Unavailable, null, 503),
        };
    }

    /// <summary>
    /// What to do after SLM attempt number <paramref name="attempt"/> (1-based), given how it ended.
    /// <paramref name="initialReason"/> is the reason the SLM was chosen (kept when the answer is accepted).
    /// </summary>
    /// <param name="policy">The request's policy.</param>
    /// <param name="outcome">How the attempt ended.</param>
    /// <param name="attempt">The attempt's number, from 1.</param>
    /// <param name="initialReason">Why the SLM was chosen.</param>
    /// <param name="budget">The policy's budget now.</param>
    /// <param name="threshold">The threshold in force (calibrated, after the budget curve); the configured one when null.</param>
    public static SlmVerdict Judge(RoutingPolicySpec policy, SlmOutcome outcome, int attempt, string initialReason, BudgetState budget, double? threshold = null)
    {
        ArgumentNullException.ThrowIfNull(policy);
        ArgumentNullException.ThrowIfNull(outcome);

        var escalation = policy.Escalation ?? new EscalationSpec();
        switch (outcome.Kind)
        {
            case SlmOutcomeKind.Timeout:
                return escalation.OnTimeout
                    ? Escalate(RouteReasons.Timeout, null, budget, hasAnswer: false)
                    : new SlmVerdict(VerdictAction.Fail, RouteReasons.Timeout, null, 504);
            case SlmOutcomeKind.Unavailable:
                return escalation.OnUnavailable
                    ? Escalate(RouteReasons.Unavailable, null, budget, hasAnswer: false)
                    : new SlmVerdict(VerdictAction.Fail, RouteReasons.Unavailable, null, 503);
            case SlmOutcomeKind.TooLong:
                // Too long for the SLM's context: only the LLM can answer, whatever the escalation switches say.
                return budget.Exhausted
                    ? new SlmVerdict(VerdictAction.Fail, RouteReasons.BudgetExhausted, null, 429)
                    : new SlmVerdict(VerdictAction.Escalate, RouteReasons.Unsupported, null);
            case SlmOutcomeKind.SchemaUnsupported:
                // The worker cannot guarantee the schema: the LLM answers it, as for any unsupported feature.
                return budget.Exhausted
                    ? new SlmVerdict(VerdictAction.Fail, RouteReasons.BudgetExhausted, null, 429)
                    : new SlmVerdict(VerdictAction.Escalate, RouteReasons.Unsupported, null, Feature: "schema");
        }

        var confidence = ConfidenceOf(outcome, escalation.ConfidenceAggregate);
        if (outcome.SchemaSatisfied == false)
        {
            return attempt <= escalation.SchemaRetries
                ? new SlmVerdict(VerdictAction.RetrySlm, RouteReasons.SchemaFail, confidence)
                : Escalate(RouteReasons.SchemaFail, confidence, budget, hasAnswer: true);
        }

        if (confidence < (threshold ?? escalation.ConfidenceThreshold))
        {
            return Escalate(RouteReasons.LowConfidence, confidence, budget, hasAnswer: true);
        }

        return new SlmVerdict(VerdictAction.Accept, initialReason == RouteReasons.Default ? RouteReasons.Confident : initialReason, confidence);
    }

    /// <summary>The number compared with the threshold: label probability for classification, else the chosen token aggregate.</summary>
    public static double ConfidenceOf(SlmOutcome outcome, string aggregate)
    {
        ArgumentNullException.ThrowIfNull(outcome);
        if (outcome.LabelConfidence is { } label)
        {
            return label;
        }

        return string.Equals(aggregate, "min", StringComparison.Ordinal) ? outcome.MinTokenProbability : outcome.MeanTokenProbability;
    }

    private static SlmVerdict Escalate(string reason, double? confidence, BudgetState budget, bool hasAnswer)
    {
        if (!budget.Exhausted)
        {
            return new SlmVerdict(VerdictAction.Escalate, reason, confidence);
        }

        if (budget.RejectWhenExhausted)
        {
            return new SlmVerdict(VerdictAction.Fail, RouteReasons.BudgetExhausted, confidence, 429);
        }

        // slm-only: the SLM's answer is the best there is; without one there is nothing to serve.
        return hasAnswer
            ? new SlmVerdict(VerdictAction.Accept, RouteReasons.BudgetExhausted, confidence)
            : new SlmVerdict(VerdictAction.Fail, RouteReasons.BudgetExhausted, confidence, 503);
    }

    private static RouteDecision FirstMatch(RoutingPolicySpec policy, RequestFeatures features)
    {
        if (policy.Rules is { } rules)
        {
            foreach (var rule in rules)
            {
                if (Matches(rule.Match, features))
                {
                    return new RouteDecision(ParseTarget(rule.Target), RouteReasons.Rule, rule.Name);
                }
            }
        }

        return new RouteDecision(ParseTarget(policy.DefaultTarget), RouteReasons.Default);
    }

    private static bool Matches(RuleMatch match, RequestFeatures features)
    {
        if (match.TaskTypes is { Count: > 0 } taskTypes
            && (features.TaskType is null || !taskTypes.Contains(features.TaskType, StringComparer.OrdinalIgnoreCase)))
        {
            return false;
        }

        if (match.MinPromptTokens is { } min && features.PromptTokens < min)
        {
            return false;
        }

        if (match.MaxPromptTokens is { } max && features.PromptTokens > max)
        {
            return false;
        }

        return match.Flags is not { Count: > 0 } flags || flags.TrueForAll(features.Flags.Contains);
    }

    private static RouteTarget ParseTarget(string target) =>
        string.Equals(target, "llm", StringComparison.OrdinalIgnoreCase) ? RouteTarget.Llm : RouteTarget.Slm;
}
