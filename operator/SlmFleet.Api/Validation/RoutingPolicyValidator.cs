using SlmFleet.Api.Schema;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Api.Validation;

/// <summary>
/// Cross-field checks of a RoutingPolicy: unique rule names, non-empty prompt-token ranges, shadow
/// sampling. Pure: no client, no I/O. Whether the referenced SlmDeployment and the API key Secret
/// exist is the reconciler's job; field-level checks are the CRD schema's (see <see cref="SchemaValidator"/>).
/// </summary>
public static class RoutingPolicyValidator
{
    /// <summary>Checks a whole resource; error paths start at <c>spec</c>.</summary>
    /// <returns>Every failure found; empty when the resource is consistent.</returns>
    public static IReadOnlyList<FieldError> Validate(V1Alpha1RoutingPolicy resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Validate(resource.Spec);
    }

    /// <summary>Checks a spec; error paths start at <paramref name="path"/>.</summary>
    /// <returns>Every failure found; empty when the spec is consistent.</returns>
    public static IReadOnlyList<FieldError> Validate(RoutingPolicySpec spec, string path = "spec")
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<FieldError>();
        CelRuleEvaluator.Evaluate(spec, path, errors);
        return errors;
    }
}
