using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Router.Policies;

/// <summary>
/// The checks the router needs before it trusts a policy (the CRD schema does the rest in a cluster):
/// each error names the field, the value and what is accepted.
/// </summary>
internal static class PolicyValidator
{
    public static IReadOnlyList<string> Validate(IReadOnlyList<RoutingPolicySpec> policies)
    {
        ArgumentNullException.ThrowIfNull(policies);
        var errors = new List<string>();
        var aliases = new HashSet<string>(StringComparer.Ordinal);
        for (var i = 0; i < policies.Count; i++)
        {
            var policy = policies[i];
            var at = $"policies[{i}]";
            if (string.IsNullOrWhiteSpace(policy.ModelAlias))
            {
                errors.Add($"{at}.modelAlias: is empty; a non-empty model name is required");
            }
            else if (!aliases.Add(policy.ModelAlias))
            {
                errors.Add($"{at}.modelAlias: '{policy.ModelAlias}' is used by another policy; aliases must be unique");
            }

            if (string.IsNullOrWhiteSpace(policy.Slm?.DeploymentRef?.Name))
            {
                errors.Add($"{at}.slm.deploymentRef.name: is empty; name the SlmDeployment that serves this alias");
            }

            if (policy.Llm is null || !Uri.TryCreate(policy.Llm.BaseUrl, UriKind.Absolute, out var uri) || (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps))
            {
                errors.Add($"{at}.llm.baseUrl: '{policy.Llm?.BaseUrl}' is not an absolute http(s) URL such as https://api.openai.com/v1");
            }

            if (policy.DefaultTarget is not ("slm" or "llm"))
            {
                errors.Add($"{at}.defaultTarget: '{policy.DefaultTarget}' is not one of slm, llm");
            }

            ValidateEscalation(policy.Escalation, at, errors);
            // The CRD's cross-field rules (CEL in a cluster) and the checks the API server cannot make
            // (redaction patterns compile): a local policies file gets the same refusals.
            errors.AddRange(SlmFleet.Api.Validation.RoutingPolicyValidator.Validate(policy, at).Select(e => e.Message));
            ValidateRules(policy.Rules, at, errors);
            if (policy.Shadow is { SampleRate: < 0 or > 1 } shadow)
            {
                errors.Add($"{at}.shadow.sampleRate: {shadow.SampleRate} is outside 0..1");
            }

            if (policy.Budget is { } budget && (budget.MonthlyUsd < 0 || budget.WhenExhausted is not ("slm-only" or "reject")))
            {
                errors.Add($"{at}.budget: monthlyUsd {budget.MonthlyUsd} must be >= 0 and whenExhausted '{budget.WhenExhausted}' one of slm-only, reject");
            }
        }

        return errors;
    }

    private static void ValidateEscalation(EscalationSpec? escalation, string at, List<string> errors)
    {
        if (escalation is null)
        {
            return;
        }

        if (escalation.ConfidenceThreshold is < 0 or > 1 || double.IsNaN(escalation.ConfidenceThreshold))
        {
            errors.Add($"{at}.escalation.confidenceThreshold: {escalation.ConfidenceThreshold} is outside 0..1");
        }

        if (escalation.ConfidenceAggregate is not ("mean" or "min"))
        {
            errors.Add($"{at}.escalation.confidenceAggregate: '{escalation.ConfidenceAggregate}' is not one of mean, min");
        }

        if (escalation.SchemaRetries is < 0 or > 3)
        {
            errors.Add($"{at}.escalation.schemaRetries: {escalation.SchemaRetries} is outside 0..3");
        }
    }

    private static void ValidateRules(List<RoutingRule>? rules, string at, List<string> errors)
    {
        for (var r = 0; rules is not null && r < rules.Count; r++)
        {
            if (string.IsNullOrWhiteSpace(rules[r].Name))
            {
                errors.Add($"{at}.rules[{r}].name: is empty; rules need a name (it is reported as the routing reason)");
            }

            if (rules[r].Target is not ("slm" or "llm"))
            {
                errors.Add($"{at}.rules[{r}].target: '{rules[r].Target}' is not one of slm, llm");
            }
        }
    }
}
