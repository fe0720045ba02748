using System.Globalization;
using k8s;
using SlmFleet.Api.Calibration;
using SlmFleet.Api.Validation;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>
/// Decides a RoutingPolicy's status and Events from what was observed. Pure: no client, no clock.
/// Ready needs a consistent spec, a unique modelAlias, the SlmDeployment and (when referenced) the
/// API key Secret with its key. Usage numbers come from the routers; budget conditions follow them.
/// Warnings are posted when a condition flips, never on every reconcile.
/// </summary>
internal static class RoutingPolicyPlanner
{
    public static RoutingPolicyPlan Compute(RoutingPolicyObserved observed)
    {
        ArgumentNullException.ThrowIfNull(observed);
        var policy = observed.Policy;
        var previous = policy.Status ?? new RoutingPolicyStatus();
        // API servers keep whole seconds; a sub-second timestamp would differ after a round trip.
        var now = new DateTime(observed.Now.Ticks - (observed.Now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var conditions = new ConditionSet(previous.Conditions, policy.Metadata.Generation, now);
        var problems = new List<SpecProblem>();

        problems.AddRange(RoutingPolicyValidator.Validate(policy).Select(e => new SpecProblem(e.Path, RoutingPolicyReasons.InvalidSpec, e.Message)));
        if (observed.AliasHeldBy is { } holder)
        {
            problems.Add(new("spec.modelAlias", RoutingPolicyReasons.DuplicateModelAlias,
                $"spec.modelAlias \"{policy.Spec.ModelAlias}\" is already used by RoutingPolicy \"{holder}\" in namespace \"{policy.Metadata.NamespaceProperty}\"; accepted: a modelAlias no other RoutingPolicy in the namespace uses."));
        }

        SetTargets(observed, conditions, problems);
        SetSecret(observed, conditions, problems);
        SetReady(conditions, problems);

        var usage = Usage(observed, previous);
        SetBudget(observed.Policy.Spec.Budget, usage, observed.Usage is not null || previous.Month is not null, conditions);

        var status = new RoutingPolicyStatus
        {
            Conditions = conditions.Conditions,
            ObservedGeneration = policy.Metadata.Generation,
            Month = usage.Month,
            Requests = usage.Requests,
            SlmRequests = usage.SlmRequests,
            LlmRequests = usage.LlmRequests,
            EscalationsByReason = usage.EscalationsByReason,
            EscalationRate = usage.EscalationRate,
            SpendThisMonthUsd = usage.SpendThisMonthUsd,
            BudgetFraction = usage.BudgetFraction,
            SavingsThisMonthUsd = usage.SavingsThisMonthUsd,
        };
        status.Calibration = Calibrate(policy.Spec, observed.Usage, previous.Calibration);
        status.EffectiveThreshold = EffectiveThreshold(policy.Spec, status.Calibration, usage.BudgetFraction ?? 0);

        (status.Candidate, status.Promotion) = Candidate(observed, previous, conditions, now);

        var events = Events(previous, conditions, problems);
        if (CalibrationEvent(policy.Spec, previous.Calibration, status.Calibration) is { } calibrated)
        {
            events.Add(calibrated);
        }

        events.AddRange(CandidateEvents(observed.Policy.Spec, previous, status, conditions));

        return new RoutingPolicyPlan
        {
            Status = status,
            StatusChanged = !SameJson(previous, status),
            Events = events,
            Problems = problems,
        };
    }

    /// <summary>
    /// Status numbers: new usage when the routers reported some, else the previous status carried over
    /// (so an operator that has not scraped yet never wipes what it wrote before).
    /// </summary>
    private static RoutingPolicyStatus Usage(RoutingPolicyObserved observed, RoutingPolicyStatus previous)
    {
        if (observed.Usage is not { } usage)
        {
            return previous;
        }

        var llm = observed.Policy.Spec.Llm;
        var escalated = usage.EscalationsByReason.Where(e => e.Key != EscalationReasons.BudgetExhausted).Sum(e => e.Value);
        // The LLM-only baseline: every token served (by either side) at the LLM's prices, plus the
        // baseline a seeded status already held for tokens counted before (priced when they were counted).
        var baseline = usage.SeededBaselineUsd + (((usage.PromptTokens * llm.InputPricePerMillionTokens) + (usage.CompletionTokens * llm.OutputPricePerMillionTokens)) / 1e6);
        var budget = observed.Policy.Spec.Budget;
        return new RoutingPolicyStatus
        {
            Month = usage.Month,
            Requests = usage.Requests,
            SlmRequests = usage.SlmRequests,
            LlmRequests = usage.LlmRequests,
            EscalationsByReason = usage.EscalationsByReason.Count == 0 ? null : new Dictionary<string, long>(usage.EscalationsByReason.OrderBy(e => e.Key, StringComparer.Ordinal)),
            EscalationRate = usage.Requests > 0 ? Math.Round((double)escalated / usage.Requests, 4) : 0,
            SpendThisMonthUsd = Usd(usage.SpendUsd),
            BudgetFraction = budget is { MonthlyUsd: > 0 } ? Math.Round(usage.SpendUsd / budget.MonthlyUsd, 4) : null,
            SavingsThisMonthUsd = Usd(baseline - usage.SpendUsd),
        };
    }

    private static double Usd(double value) => Math.Round(value, 6);

    /// <summary>Task types whose own calibration is shown (most samples first); the policy-wide table covers them all.</summary>
    private const int MaxTasksShown = 8;

    /// <summary>
    /// The calibration table from this month's shadow counts (all routers), the recommendation, and with
    /// <c>mode: auto</c> the applied threshold (bounded, with hysteresis against the previous one).
    /// Without new usage the previous calibration is kept.
    /// </summary>
    private static CalibrationStatus? Calibrate(RoutingPolicySpec spec, PolicyUsage? usage, CalibrationStatus? previous)
    {
        if (spec.Escalation?.Calibration is not { } calibration)
        {
            return null;
        }

        if (usage is null)
        {
            return previous;
        }

        var configured = spec.Escalation.ConfidenceThreshold;
        var auto = calibration.Mode == "auto";
        long[] agreed = new long[ThresholdCalibration.Buckets], disagreed = new long[ThresholdCalibration.Buckets];
        foreach (var counts in usage.Calibration.Values)
        {
            for (var i = 0; i < ThresholdCalibration.Buckets; i++)
            {
                agreed[i] += counts.Agreed[i];
                disagreed[i] += counts.Disagreed[i];
            }
        }

        var table = ThresholdCalibration.Table(agreed, disagreed);
        var (recommended, message) = ThresholdCalibration.Recommend(table, calibration.TargetAgreement, calibration.MinSamples);
        if (spec.Shadow is not { Enabled: true })
        {
            message = "spec.shadow is not enabled, so no samples are collected; " + message;
        }

        // Nothing is applied until there is a recommendation; from then on the last applied one stays without one.
        double? applied = auto && (recommended is not null || previous?.AppliedThreshold is not null)
            ? ThresholdCalibration.Apply(recommended, previous?.AppliedThreshold, configured, calibration)
            : null;
        var tasks = new List<TaskCalibration>();
        foreach (var (task, counts) in usage.Calibration.OrderByDescending(c => c.Value.Samples).ThenBy(c => c.Key, StringComparer.Ordinal).Take(MaxTasksShown))
        {
            var taskTable = ThresholdCalibration.Table(counts.Agreed, counts.Disagreed);
            var (taskRecommended, _) = ThresholdCalibration.Recommend(taskTable, calibration.TargetAgreement, calibration.MinSamples);
            var previousTask = previous?.Tasks?.Find(t => t.Task == task)?.AppliedThreshold;
            tasks.Add(new TaskCalibration
            {
                Task = task,
                Samples = counts.Samples,
                RecommendedThreshold = taskRecommended,
                // A task without enough samples of its own follows the policy-wide threshold (the router falls back to it).
                AppliedThreshold = auto && (taskRecommended is not null || previousTask is not null)
                    ? ThresholdCalibration.Apply(taskRecommended, previousTask, applied ?? configured, calibration)
                    : null,
                Table = taskTable,
            });
        }

        return new CalibrationStatus
        {
            Samples = table.Count == 0 ? 0 : table[0].Samples,
            RecommendedThreshold = recommended,
            Message = message,
            AppliedThreshold = applied,
            Table = table,
            Tasks = tasks.Count == 0 ? null : tasks,
        };
    }

    /// <summary>
    /// The promotion gate: the candidate's agreement with the reference side, <c>CandidateReady</c>,
    /// and with <c>promotion: automatic</c> the switch (<c>status.promotion</c>, which the routers
    /// serve from) and, with <c>rollbackBelow</c>, the rollback. Without new usage the numbers carry over.
    /// </summary>
    private static (CandidateStatus? Candidate, PromotionStatus? Promotion) Candidate(RoutingPolicyObserved observed, RoutingPolicyStatus previous, ConditionSet conditions, DateTime now)
    {
        var spec = observed.Policy.Spec;
        if (spec.Candidate is not { } candidate)
        {
            return (null, null);
        }

        var name = candidate.DeploymentRef.Name;
        if (!observed.DeploymentNames.Contains(name, StringComparer.Ordinal) && observed.Deployment?.Metadata?.Name != name)
        {
            conditions.Set(RoutingPolicyConditionTypes.CandidateReady, ConditionSet.False, RoutingPolicyReasons.CandidateNotFound,
                $"spec.candidate.deploymentRef.name: SlmDeployment \"{name}\" not found in namespace \"{observed.Policy.Metadata.NamespaceProperty}\"; accepted: the name of an SlmDeployment in the same namespace.");
            return (null, null);
        }

        var sameCandidate = previous.Candidate?.Deployment == name;
        var (agreed, samples) = observed.Usage is { } usage
            ? usage.Candidates.GetValueOrDefault(name)
            : sameCandidate ? ((long)Math.Round(previous.Candidate!.Agreement * previous.Candidate.Samples), previous.Candidate.Samples) : (0, 0);
        var lower = ThresholdCalibration.WilsonLowerBound(agreed, samples);
        var status = new CandidateStatus
        {
            Deployment = name,
            Samples = samples,
            Agreement = samples == 0 ? 0 : Math.Round((double)agreed / samples, 4),
            AgreementLowerBound = Math.Round(lower, 4),
            RolledBack = sameCandidate && previous.Candidate!.RolledBack == true ? true : null,
        };
        var ready = samples >= candidate.MinSamples && lower >= candidate.MinAgreement;
        var numbers = string.Create(CultureInfo.InvariantCulture,
            $"SlmDeployment \"{name}\" agreed with the reference side on {agreed} of {samples} requests ({status.Agreement:P1}, lower bound {status.AgreementLowerBound:0.####}); the gate is a lower bound of {candidate.MinAgreement:0.###} over at least {candidate.MinSamples} requests.");
        conditions.Set(RoutingPolicyConditionTypes.CandidateReady, ready ? ConditionSet.True : ConditionSet.False,
            ready ? RoutingPolicyReasons.GatePassed : RoutingPolicyReasons.GateNotMet, numbers);

        var promotion = previous.Promotion;
        if (promotion is not null && (promotion.Deployment != name || spec.Slm.DeploymentRef.Name == name))
        {
            // The candidate changed, or the spec now names it: the promotion has nothing left to do.
            promotion = null;
        }
        else if (promotion is not null && candidate.RollbackBelow is { } floor && observed.Usage is { } current)
        {
            var (allAgreed, all) = CalibrationTotals(current);
            var (sinceAgreed, since) = (allAgreed - promotion.AgreedAtSwitch, all - promotion.SamplesAtSwitch);
            if (since >= candidate.MinSamples && ThresholdCalibration.WilsonUpperBound(sinceAgreed, since) < floor)
            {
                promotion = null;
                status.RolledBack = true;
            }
        }
        else if (promotion is null && ready && candidate.Promotion == "automatic" && status.RolledBack != true)
        {
            var (allAgreed, all) = observed.Usage is { } atSwitch ? CalibrationTotals(atSwitch) : (0, 0);
            promotion = new PromotionStatus
            {
                Deployment = name,
                Since = now.ToString("yyyy-MM-ddTHH:mm:ssZ", CultureInfo.InvariantCulture),
                AgreedAtSwitch = allAgreed,
                SamplesAtSwitch = all,
            };
        }

        return (status, promotion);
    }

    private static (long Agreed, long Samples) CalibrationTotals(PolicyUsage usage) =>
        (usage.Calibration.Values.Sum(c => c.Agreed.Sum()), usage.Calibration.Values.Sum(c => c.Samples));

    private static IEnumerable<PlannedEvent> CandidateEvents(RoutingPolicySpec spec, RoutingPolicyStatus previous, RoutingPolicyStatus status, ConditionSet conditions)
    {
        var ready = conditions.Get(RoutingPolicyConditionTypes.CandidateReady);
        if (ready is not null && conditions.Changed(RoutingPolicyConditionTypes.CandidateReady))
        {
            if (ready.Reason == RoutingPolicyReasons.CandidateNotFound)
            {
                yield return new PlannedEvent(PlannedEvent.Warning, ready.Reason, ready.Message);
            }
            else if (ready.Status == ConditionSet.True)
            {
                yield return new PlannedEvent(PlannedEvent.Normal, RoutingPolicyReasons.GatePassed, ready.Message);
            }
        }

        if (previous.Promotion is null && status.Promotion is { } promoted)
        {
            yield return new PlannedEvent(PlannedEvent.Normal, RoutingPolicyReasons.CandidatePromoted,
                $"Traffic switched to candidate SlmDeployment \"{promoted.Deployment}\" (promotion: automatic): {ready?.Message} Set spec.slm.deploymentRef.name to it to make the switch permanent.");
        }
        else if (previous.Promotion is { } before && status.Promotion is null && status.Candidate?.RolledBack == true && previous.Candidate?.RolledBack != true)
        {
            yield return new PlannedEvent(PlannedEvent.Warning, RoutingPolicyReasons.CandidateRolledBack, string.Create(CultureInfo.InvariantCulture,
                $"Traffic switched back from SlmDeployment \"{before.Deployment}\" to \"{spec.Slm.DeploymentRef.Name}\": its agreement with the LLM since the switch fell below spec.candidate.rollbackBelow {spec.Candidate?.RollbackBelow:0.###}."));
        }
    }

    /// <summary>The threshold in force: configured, or calibrated with <c>mode: auto</c>, lowered by the budget curve.</summary>
    private static double EffectiveThreshold(RoutingPolicySpec spec, CalibrationStatus? calibration, double budgetFraction)
    {
        var configured = spec.Escalation?.ConfidenceThreshold ?? new EscalationSpec().ConfidenceThreshold;
        var baseThreshold = spec.Escalation?.Calibration is { Mode: "auto" } ? calibration?.AppliedThreshold ?? configured : configured;
        return Math.Round(ThresholdCalibration.Effective(baseThreshold, spec.Budget, budgetFraction), 4);
    }

    /// <summary>An Event each time <c>mode: auto</c> moves the applied threshold (the policy-wide one).</summary>
    private static PlannedEvent? CalibrationEvent(RoutingPolicySpec spec, CalibrationStatus? previous, CalibrationStatus? current)
    {
        if (spec.Escalation?.Calibration is not { Mode: "auto" } || current?.AppliedThreshold is not { } applied)
        {
            return null;
        }

        var before = previous?.AppliedThreshold ?? spec.Escalation.ConfidenceThreshold;
        return Math.Abs(applied - before) < 1e-9
            ? null
            : new PlannedEvent(PlannedEvent.Normal, RoutingPolicyReasons.ThresholdCalibrated, string.Create(CultureInfo.InvariantCulture,
                $"Confidence threshold calibrated from {before:0.###} to {applied:0.###}: {current.Message}."));
    }

    private static void SetTargets(RoutingPolicyObserved observed, ConditionSet conditions, List<SpecProblem> problems)
    {
        var policy = observed.Policy;
        var name = policy.Spec.Slm.DeploymentRef.Name;
        if (observed.Deployment is not { } deployment)
        {
            var existing = observed.DeploymentNames.Count == 0 ? "none exist" : "existing: " + string.Join(", ", observed.DeploymentNames.Order(StringComparer.Ordinal).Take(10));
            var problem = new SpecProblem("spec.slm.deploymentRef.name", RoutingPolicyReasons.SlmDeploymentNotFound,
                $"spec.slm.deploymentRef.name: SlmDeployment \"{name}\" not found in namespace \"{policy.Metadata.NamespaceProperty}\"; accepted: the name of an SlmDeployment in the same namespace ({existing}).");
            problems.Add(problem);
            conditions.Set(RoutingPolicyConditionTypes.TargetsResolved, ConditionSet.False, problem.Reason, problem.Message);
            return;
        }

        var ready = deployment.Status?.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.Ready)?.Status == ConditionSet.True;
        conditions.Set(RoutingPolicyConditionTypes.TargetsResolved, ConditionSet.True, RoutingPolicyReasons.SlmDeploymentFound,
            ready
                ? $"spec.slm.deploymentRef.name: SlmDeployment \"{name}\" found and Ready."
                : $"spec.slm.deploymentRef.name: SlmDeployment \"{name}\" found but not Ready yet; requests escalate to the LLM with reason unavailable until it is.");
    }

    private static void SetSecret(RoutingPolicyObserved observed, ConditionSet conditions, List<SpecProblem> problems)
    {
        var policy = observed.Policy;
        if (policy.Spec.Llm.ApiKeySecretRef is not { } reference)
        {
            conditions.Set(RoutingPolicyConditionTypes.SecretPresent, ConditionSet.True, RoutingPolicyReasons.NoSecretReferenced,
                "spec.llm.apiKeySecretRef is not set: LLM calls carry no API key.");
            return;
        }

        var key = reference.Key ?? RoutingPolicyResource.DefaultApiKeyKey;
        SpecProblem? problem = null;
        if (observed.SecretKeys is not { } keys)
        {
            problem = new("spec.llm.apiKeySecretRef.name", RoutingPolicyReasons.SecretNotFound,
                $"spec.llm.apiKeySecretRef.name: Secret \"{reference.Name}\" not found in namespace \"{policy.Metadata.NamespaceProperty}\"; accepted: an existing Secret with key \"{key}\" holding the LLM API key.");
        }
        else if (!keys.Contains(key, StringComparer.Ordinal))
        {
            var present = keys.Count == 0 ? "it has no keys" : "its keys: " + string.Join(", ", keys.Order(StringComparer.Ordinal));
            problem = new("spec.llm.apiKeySecretRef.key", RoutingPolicyReasons.SecretKeyNotFound,
                $"spec.llm.apiKeySecretRef.key: Secret \"{reference.Name}\" has no key \"{key}\"; accepted: one of the Secret's keys ({present}).");
        }

        if (problem is not null)
        {
            problems.Add(problem);
            conditions.Set(RoutingPolicyConditionTypes.SecretPresent, ConditionSet.False, problem.Reason, problem.Message);
            return;
        }

        conditions.Set(RoutingPolicyConditionTypes.SecretPresent, ConditionSet.True, RoutingPolicyReasons.SecretFound,
            $"Secret \"{reference.Name}\" has key \"{key}\".");
    }

    private static void SetReady(ConditionSet conditions, List<SpecProblem> problems)
    {
        if (problems.Count == 0)
        {
            conditions.Set(RoutingPolicyConditionTypes.Ready, ConditionSet.True, RoutingPolicyReasons.Resolved,
                "Spec consistent, modelAlias unique, SlmDeployment and API key Secret (if any) found.");
            return;
        }

        conditions.Set(RoutingPolicyConditionTypes.Ready, ConditionSet.False, problems[0].Reason, string.Join(" ", problems.Select(p => p.Message)));
    }

    private static void SetBudget(BudgetSpec? budget, RoutingPolicyStatus usage, bool reported, ConditionSet conditions)
    {
        if (budget is null)
        {
            return;
        }

        if (!reported)
        {
            const string Message = "No usage reported by the routers yet.";
            conditions.Set(RoutingPolicyConditionTypes.BudgetAlert, ConditionSet.Unknown, RoutingPolicyReasons.NoUsageReported, Message);
            conditions.Set(RoutingPolicyConditionTypes.BudgetExhausted, ConditionSet.Unknown, RoutingPolicyReasons.NoUsageReported, Message);
            return;
        }

        var spend = usage.SpendThisMonthUsd ?? 0;
        var fraction = usage.BudgetFraction ?? (spend >= budget.MonthlyUsd ? 1 : 0);
        var summary = string.Create(CultureInfo.InvariantCulture,
            $"LLM spend in {usage.Month} is ${spend:0.######} of spec.budget.monthlyUsd ${budget.MonthlyUsd:0.##} ({fraction:P1});");
        var alert = fraction >= budget.AlertFraction;
        conditions.Set(RoutingPolicyConditionTypes.BudgetAlert, alert ? ConditionSet.True : ConditionSet.False,
            alert ? RoutingPolicyReasons.AlertFractionReached : RoutingPolicyReasons.WithinBudget,
            string.Create(CultureInfo.InvariantCulture, $"{summary} spec.budget.alertFraction is {budget.AlertFraction:0.###}."));
        var exhausted = spend >= budget.MonthlyUsd;
        conditions.Set(RoutingPolicyConditionTypes.BudgetExhausted, exhausted ? ConditionSet.True : ConditionSet.False,
            exhausted ? RoutingPolicyReasons.BudgetExhausted : RoutingPolicyReasons.WithinBudget,
            exhausted ? $"{summary} spec.budget.whenExhausted is \"{budget.WhenExhausted}\"." : $"{summary} not exhausted.");
    }

    private static List<PlannedEvent> Events(RoutingPolicyStatus previous, ConditionSet conditions, List<SpecProblem> problems)
    {
        var events = new List<PlannedEvent>();
        if (problems.Count > 0 && conditions.Changed(RoutingPolicyConditionTypes.Ready))
        {
            events.AddRange(problems.Select(p => new PlannedEvent(PlannedEvent.Warning, p.Reason, p.Message)));
        }
        else if (problems.Count == 0 && Flipped(previous, conditions, RoutingPolicyConditionTypes.Ready, from: ConditionSet.False))
        {
            events.Add(new PlannedEvent(PlannedEvent.Normal, RoutingPolicyReasons.Resolved, conditions.Get(RoutingPolicyConditionTypes.Ready)!.Message));
        }

        // Budget warnings go out when the condition turns True (once a month at most: spend only
        // grows within a month), not each time the spend in the message moves.
        foreach (var type in new[] { RoutingPolicyConditionTypes.BudgetAlert, RoutingPolicyConditionTypes.BudgetExhausted })
        {
            if (conditions.Get(type) is { Status: ConditionSet.True } condition && !WasTrue(previous, type))
            {
                events.Add(new PlannedEvent(PlannedEvent.Warning, condition.Reason, condition.Message));
            }
        }

        return events;
    }

    private static bool WasTrue(RoutingPolicyStatus previous, string type) =>
        previous.Conditions?.FirstOrDefault(c => c.Type == type)?.Status == ConditionSet.True;

    private static bool Flipped(RoutingPolicyStatus previous, ConditionSet conditions, string type, string from) =>
        previous.Conditions?.FirstOrDefault(c => c.Type == type)?.Status == from && conditions.Get(type)?.Status != from;

    private static bool SameJson(RoutingPolicyStatus a, RoutingPolicyStatus b) =>
        string.Equals(KubernetesJson.Serialize(a), KubernetesJson.Serialize(b), StringComparison.Ordinal);
}
