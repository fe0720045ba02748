namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>Condition and Event reasons of RoutingPolicies (CamelCase, as Kubernetes expects).</summary>
internal static class RoutingPolicyReasons
{
    public const string InvalidSpec = "InvalidSpec";
    public const string DuplicateModelAlias = "DuplicateModelAlias";
    public const string SlmDeploymentNotFound = "SlmDeploymentNotFound";
    public const string SlmDeploymentFound = "SlmDeploymentFound";
    public const string SecretNotFound = "SecretNotFound";
    public const string SecretKeyNotFound = "SecretKeyNotFound";
    public const string SecretFound = "SecretFound";
    public const string NoSecretReferenced = "NoSecretReferenced";
    public const string Resolved = "Resolved";
    public const string NoUsageReported = "NoUsageReported";
    public const string WithinBudget = "WithinBudget";
    public const string AlertFractionReached = "BudgetAlertFractionReached";
    public const string BudgetExhausted = "BudgetExhausted";
    public const string ThresholdCalibrated = "ThresholdCalibrated";
    public const string CandidateNotFound = "CandidateNotFound";
    public const string GatePassed = "GatePassed";
    public const string GateNotMet = "GateNotMet";
    public const string CandidatePromoted = "CandidatePromoted";
    public const string CandidateRolledBack = "CandidateRolledBack";
}
