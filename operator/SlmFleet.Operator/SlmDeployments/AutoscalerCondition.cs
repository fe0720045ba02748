using System.Globalization;
using k8s.Models;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// The <c>AutoscalerActive</c> condition: who drives spec.replicas. A HorizontalPodAutoscaler on the
/// SlmDeployment or its worker Deployment makes the built-in autoscaler stand down; with
/// <c>spec.autoscaling.enabled: true</c> that is two autoscalers asked to drive one fleet, which is
/// reported with a Warning. Pure.
/// </summary>
internal static class AutoscalerCondition
{
    public static PlannedCondition Compute(SlmDeploymentSpec spec, IReadOnlyList<V2HorizontalPodAutoscaler> autoscalers, bool builtInRuns)
    {
        var autoscaling = spec.Autoscaling ?? new AutoscalingSpec();
        if (autoscalers.Count > 0)
        {
            var who = string.Join(", ", autoscalers.Select(ExternalAutoscalers.Describe));
            var direct = autoscalers.Any(ExternalAutoscalers.TargetsWorkerDeployment)
                ? " It targets the worker Deployment, where spec.minReplicas and spec.maxReplicas do not bound it; point scaleTargetRef at the SlmDeployment (apiVersion slmfleet.io/v1alpha1, kind SlmDeployment) instead."
                : string.Empty;
            return autoscaling.Enabled
                ? new PlannedCondition(ConditionTypes.AutoscalerActive, ConditionSet.False, ConditionReasons.ExternalAutoscaler,
                    $"{who} scales this fleet, so the built-in autoscaler stands down and writes no spec.replicas while it exists; but spec.autoscaling.enabled is true, "
                    + "which asks for both. Set spec.autoscaling.enabled: false to leave scaling to the HorizontalPodAutoscaler, or delete it to let the built-in autoscaler hold the utilization band." + direct,
                    Warn: true)
                : new PlannedCondition(ConditionTypes.AutoscalerActive, ConditionSet.False, ConditionReasons.ExternalAutoscaler,
                    $"{who} scales this fleet; spec.autoscaling.enabled is false, so the built-in autoscaler stands down as intended." + direct);
        }

        if (!autoscaling.Enabled)
        {
            return new PlannedCondition(ConditionTypes.AutoscalerActive, ConditionSet.False, ConditionReasons.AutoscalingDisabled,
                "spec.autoscaling.enabled is false: the operator never changes spec.replicas (kubectl scale, KEDA or a HorizontalPodAutoscaler may).");
        }

        if (AutoscalingPolicyMapper.For(spec)?.Validate() is { Count: > 0 } errors)
        {
            return new PlannedCondition(ConditionTypes.AutoscalerActive, ConditionSet.False, ConditionReasons.InvalidSpec,
                $"The built-in autoscaler leaves spec.replicas alone until the replica range and band are valid: {string.Join("; ", errors)}.");
        }

        if (!builtInRuns)
        {
            return new PlannedCondition(ConditionTypes.AutoscalerActive, ConditionSet.False, ConditionReasons.AutoscalingDisabled,
                "The operator runs with --autoscale-interval 0: nothing changes spec.replicas automatically.");
        }

        return new PlannedCondition(ConditionTypes.AutoscalerActive, ConditionSet.True, ConditionReasons.BuiltInAutoscaler,
            string.Create(CultureInfo.InvariantCulture,
                $"The built-in autoscaler holds capacity utilization within [{autoscaling.TargetUtilizationLow:0.00}, {autoscaling.TargetUtilizationHigh:0.00}] between spec.minReplicas {spec.MinReplicas} and spec.maxReplicas {spec.MaxReplicas}."));
    }
}
