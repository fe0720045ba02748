using System.Globalization;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Events;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Computes SlmDeployment status (conditions, counts, cost) and the Warning Events for changed conditions. Pure.</summary>
internal static class SlmDeploymentStatusPlanner
{
    public static SlmDeploymentStatus Compute(SlmDeploymentStatusInput input, List<PlannedEvent> events)
    {
        var observed = input.Observed;
        var resource = observed.Resource;
        var previous = resource.Status ?? new SlmDeploymentStatus();
        // API servers keep whole seconds; a sub-second timestamp would differ after a round trip and
        // cause a write on every reconcile.
        var now = new DateTime(observed.Now.Ticks - (observed.Now.Ticks % TimeSpan.TicksPerSecond), DateTimeKind.Utc);
        var conditions = new ConditionSet(previous.Conditions, resource.Metadata.Generation, now);

        var live = observed.Deployment;
        var replicas = live?.Status?.Replicas ?? 0;
        var ready = live?.Status?.ReadyReplicas ?? 0;
        var warming = Math.Max(0, replicas - ready);
        var settings = input.Settings;
        var desired = input.EffectiveReplicas ?? settings?.Replicas ?? live?.Spec?.Replicas ?? 0;

        SetReadiness(input, conditions, ready, desired);
        SetFit(input, conditions);
        SetScaling(resource.Spec, conditions, previous.Conditions?.FirstOrDefault(c => c.Type == ConditionTypes.ScalingLimited));
        AddEvents(input, conditions, events);
        SetFleetInputs(input, conditions, events);

        var tokensPerSecond = observed.TokensPerSecond ?? previous.TokensPerSecond;
        var costPerHour = input.Profile is null ? (double?)null : WorkerSettingsResolver.CostPerHour(resource.Spec, input.Profile);
        return new SlmDeploymentStatus
        {
            Conditions = conditions.Conditions,
            ObservedGeneration = resource.Metadata.Generation,
            Replicas = replicas,
            ReadyReplicas = ready,
            WarmingReplicas = warming,
            DesiredReplicas = desired,
            Selector = WorkerLabels.SelectorString(resource.Metadata.Name),
            Endpoint = settings is null ? previous.Endpoint : WorkerServiceBuilder.Endpoint(settings),
            TokensPerSecond = tokensPerSecond,
            EstimatedCostPerMillionTokens = CostPerMillionTokens(costPerHour, ready, tokensPerSecond),
            // Owned by the autoscaler: carried over untouched.
            Utilization = previous.Utilization,
            LastScaleTime = previous.LastScaleTime,
            LastScaleReason = previous.LastScaleReason,
        };
    }

    /// <summary>USD per million tokens = hourly cost of the ready replicas ÷ tokens per hour × 1e6; null until throughput is known.</summary>
    public static double? CostPerMillionTokens(double? costPerHour, int readyReplicas, double? tokensPerSecond) =>
        costPerHour is { } cost && readyReplicas > 0 && tokensPerSecond is > 0
            ? Math.Round(cost * readyReplicas / (tokensPerSecond.Value * 3600) * 1e6, 4)
            : null;

    private static void SetReadiness(SlmDeploymentStatusInput input, ConditionSet conditions, int ready, int desired)
    {
        if (input.ObjectProblem is { } objectProblem)
        {
            // No replica counts in the message: it must stay the same while the problem does (one Event, no status writes).
            var kept = objectProblem.Message;
            conditions.Set(ConditionTypes.Ready, ConditionSet.False, objectProblem.Reason, kept);
            conditions.Set(ConditionTypes.Progressing, ConditionSet.False, ConditionReasons.RolloutBlocked, kept);
            conditions.Set(ConditionTypes.Degraded, ConditionSet.True, objectProblem.Reason, kept);
            return;
        }

        var blocking = Blocking(input);
        if (blocking is not null)
        {
            var (reason, message) = blocking.Value;
            var kept = $"{message} The running workers are left unchanged ({ready} ready).";
            conditions.Set(ConditionTypes.Ready, ready > 0 ? ConditionSet.True : ConditionSet.False, reason, kept);
            conditions.Set(ConditionTypes.Progressing, ConditionSet.False, ConditionReasons.RolloutBlocked, kept);
            conditions.Set(ConditionTypes.Degraded, ConditionSet.True, reason, kept);
            return;
        }

        var minimum = Math.Max(1, input.Observed.Resource.Spec.MinReplicas);
        if (desired == 0)
        {
            conditions.Set(ConditionTypes.Ready, ConditionSet.False, ConditionReasons.ScaledToZero, "Scaled to zero replicas (spec.minReplicas is 0).");
        }
        else if (ready >= minimum)
        {
            conditions.Set(ConditionTypes.Ready, ConditionSet.True, ConditionReasons.ReplicasReady, $"{ready} of {desired} replica(s) warm and ready.");
        }
        else
        {
            conditions.Set(ConditionTypes.Ready, ConditionSet.False, ConditionReasons.ReplicasWarming, $"{ready} of {desired} replica(s) ready; at least {minimum} needed.");
        }

        var settled = input.Deployment is { Kind: WriteKind.None } && IsSettled(input.Observed.Deployment!, desired);
        conditions.Set(ConditionTypes.Progressing, settled ? ConditionSet.False : ConditionSet.True,
            settled ? ConditionReasons.RolloutComplete : ConditionReasons.RollingOut,
            settled ? $"All {desired} replica(s) run the current spec." : $"Rolling out generation {input.Observed.Resource.Metadata.Generation ?? 0}: {ready} of {desired} replica(s) ready.");

        var deadline = input.Observed.Deployment?.Status?.Conditions?.FirstOrDefault(c => c.Type == "Progressing" && c.Reason == "ProgressDeadlineExceeded");
        conditions.Set(ConditionTypes.Degraded, deadline is null ? ConditionSet.False : ConditionSet.True,
            deadline is null ? ConditionReasons.AsExpected : ConditionReasons.ProgressDeadlineExceeded,
            deadline is null ? "No problems." : $"Worker rollout exceeded its progress deadline: {deadline.Message}");
    }

    private static (string Reason, string Message)? Blocking(SlmDeploymentStatusInput input)
    {
        if (input.Problems.Count > 0)
        {
            return (input.Problems[0].Reason, string.Join(" ", input.Problems.Select(p => p.Message)));
        }

        return input.Fit is { Fits: false } fit ? (ConditionReasons.ModelDoesNotFit, fit.Message) : null;
    }

    private static bool IsSettled(V1Deployment live, int desired)
    {
        var status = live.Status;
        return status is not null
            && (status.ObservedGeneration ?? 0) >= (live.Metadata.Generation ?? 0)
            && (status.UpdatedReplicas ?? 0) == desired
            && (status.ReadyReplicas ?? 0) == desired
            && (status.Replicas ?? 0) == desired;
    }

    private static void SetFit(SlmDeploymentStatusInput input, ConditionSet conditions)
    {
        if (input.Fit is { } fit)
        {
            conditions.Set(ConditionTypes.ModelFits, fit.Fits ? ConditionSet.True : ConditionSet.False,
                fit.Fits ? ConditionReasons.ModelFits : ConditionReasons.ModelDoesNotFit, fit.Message);
        }
        else
        {
            var problem = input.Problems.FirstOrDefault(p => p.Field is "spec.accelerator.type" or "spec.model.quantization");
            conditions.Set(ConditionTypes.ModelFits, ConditionSet.Unknown, problem?.Reason ?? ConditionReasons.InvalidSpec,
                $"Fit not checked: {problem?.Message ?? "the spec is invalid."}");
        }
    }

    private static void SetScaling(SlmDeploymentSpec spec, ConditionSet conditions, V1Condition? previousLimit)
    {
        var requested = spec.Replicas;
        if (spec.MinReplicas > spec.MaxReplicas)
        {
            conditions.Set(ConditionTypes.ScalingLimited, ConditionSet.Unknown, ConditionReasons.InvalidSpec,
                $"No replica range: spec.minReplicas ({spec.MinReplicas}) is greater than spec.maxReplicas ({spec.MaxReplicas}).");
        }
        else if (requested is { } above && above > spec.MaxReplicas)
        {
            conditions.Set(ConditionTypes.ScalingLimited, ConditionSet.True, ConditionReasons.AboveMaxReplicas,
                $"spec.replicas {above} is above spec.maxReplicas {spec.MaxReplicas}; running {spec.MaxReplicas}.");
        }
        else if (requested is { } below && below < spec.MinReplicas)
        {
            // Not a limit hit: minReplicas is the warm floor, and spec.replicas defaults to 1 (the scale
            // subresource needs a count), so any spec with minReplicas above 1 starts here.
            conditions.Set(ConditionTypes.ScalingLimited, ConditionSet.False, ConditionReasons.WithinLimits,
                string.Create(CultureInfo.InvariantCulture, $"Replicas within [{spec.MinReplicas}, {spec.MaxReplicas}]; spec.replicas {below} is raised to spec.minReplicas {spec.MinReplicas} (warm replicas)."));
        }
        else if (previousLimit is { Status: ConditionSet.True, Reason: Autoscaling.AutoscalerEvents.MaxReplicasReached } autoscalers)
        {
            // Autoscaler hook: set by the autoscaler from worker metrics the reconciler cannot see; kept as is, the autoscaler clears it.
            conditions.Set(ConditionTypes.ScalingLimited, autoscalers.Status, autoscalers.Reason, autoscalers.Message);
        }
        else
        {
            conditions.Set(ConditionTypes.ScalingLimited, ConditionSet.False, ConditionReasons.WithinLimits,
                string.Create(CultureInfo.InvariantCulture, $"Replicas within [{spec.MinReplicas}, {spec.MaxReplicas}]."));
        }
    }

    /// <summary>
    /// What else decides whether the fleet can run and scale as specified: who drives spec.replicas, the
    /// claims every replica mounts, and whether anything brings a fleet at zero back.
    /// </summary>
    private static void SetFleetInputs(SlmDeploymentStatusInput input, ConditionSet conditions, List<PlannedEvent> events)
    {
        var observed = input.Observed;
        PlannedCondition?[] planned =
        [
            AutoscalerCondition.Compute(observed.Resource.Spec, observed.Autoscalers, input.BuiltInAutoscaler),
            CacheClaimCheck.Condition(observed.Resource, observed.Claims),
            ScaleFromZeroCondition.Compute(observed.Resource, observed.RoutingPolicies),
        ];
        foreach (var condition in planned.OfType<PlannedCondition>())
        {
            conditions.Set(condition.Type, condition.Status, condition.Reason, condition.Message);
            if (condition.Warn && conditions.Changed(condition.Type))
            {
                events.Add(new PlannedEvent(PlannedEvent.Warning, condition.Reason, condition.Message));
            }
        }
    }

    // Warnings are posted when their condition changes, not on every reconcile: a steady bad state
    // produces one Event, and a full resync produces none.
    private static void AddEvents(SlmDeploymentStatusInput input, ConditionSet conditions, List<PlannedEvent> events)
    {
        if (input.Problems.Count > 0 && conditions.Changed(ConditionTypes.Ready))
        {
            events.AddRange(input.Problems.Select(p => new PlannedEvent(PlannedEvent.Warning, p.Reason, p.Message)));
        }

        if (input.ObjectProblem is { } objectProblem && conditions.Changed(ConditionTypes.Ready))
        {
            // One Warning per distinct failure: a retry that meets the same refusal changes nothing.
            events.Add(new PlannedEvent(PlannedEvent.Warning, objectProblem.Reason, objectProblem.Message));
        }

        if (input.Fit is { Fits: false } fit && conditions.Changed(ConditionTypes.ModelFits))
        {
            events.Add(new PlannedEvent(PlannedEvent.Warning, ConditionReasons.ModelDoesNotFit, fit.Message));
        }

        if (conditions.Get(ConditionTypes.ScalingLimited) is { Status: ConditionSet.True } limited && conditions.Changed(ConditionTypes.ScalingLimited))
        {
            events.Add(new PlannedEvent(PlannedEvent.Warning, limited.Reason, limited.Message));
        }
    }
}
