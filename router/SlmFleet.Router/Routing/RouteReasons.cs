namespace SlmFleet.Router.Routing;

/// <summary>
/// Values of the <c>x-slmfleet-reason</c> header and the <c>reason</c> metric label. The first four
/// say why the first target was chosen (<c>unsupported</c>: the request needs a feature only the LLM
/// has, named by <c>x-slmfleet-unsupported</c>); the rest are escalation reasons (the SLM was tried or
/// skipped and the LLM answered) plus <c>budget_exhausted</c>.
/// </summary>
internal static class RouteReasons
{
    public const string Default = "default";
    public const string Direct = "direct";
    public const string Confident = "confident";
    public const string Rule = "rule";
    public const string Unsupported = "unsupported";
    public const string LowConfidence = "low_confidence";
    public const string SchemaFail = "schema_fail";
    public const string Timeout = "timeout";
    public const string Unavailable = "unavailable";

    /// <summary>The SlmDeployment was scaled to zero and no replica was predicted (or became) ready within the policy's cold-start objective.</summary>
    public const string ColdStart = "cold_start";
    public const string BudgetExhausted = "budget_exhausted";
}
