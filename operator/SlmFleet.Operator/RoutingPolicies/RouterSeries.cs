namespace SlmFleet.Operator.RoutingPolicies;

/// <summary>The router counter series the operator sums, and how a sample maps to a policy's model alias.</summary>
internal static class RouterSeries
{
    public const string Requests = "slm_router_requests_total";
    public const string Escalations = "slm_router_escalations_total";
    public const string Spend = "slm_router_llm_spend_usd_total";
    public const string Tokens = "slm_router_tokens_total";

    /// <summary>Shadow comparisons by task, confidence bucket and agreement: the calibration's input.</summary>
    public const string Calibration = "slm_router_calibration_samples_total";

    /// <summary>Requests also answered by a policy's candidate SlmDeployment, by agreement: the promotion gate's input.</summary>
    public const string Candidate = "slm_router_candidate_samples_total";

    /// <summary>The label carrying the policy's modelAlias (or an SlmDeployment's served name) on every router series.</summary>
    public const string ModelLabel = "model";

    public static bool IsWanted(string name) => name is Requests or Escalations or Spend or Tokens or Calibration or Candidate;

    /// <summary>The labels besides <c>model</c> that tell series apart, joined: route for requests, reason for escalations, kind for tokens.</summary>
    public static string Detail(MetricSample sample)
    {
        ArgumentNullException.ThrowIfNull(sample);
        return sample.Name switch
        {
            Requests => sample.Label("route"),
            Escalations => sample.Label("reason"),
            Tokens => sample.Label("kind"),
            Calibration => sample.Label("task") + "|" + sample.Label("bucket") + "|" + sample.Label("agreed"),
            Candidate => sample.Label("candidate") + "|" + sample.Label("agreed"),
            _ => string.Empty,
        };
    }
}
