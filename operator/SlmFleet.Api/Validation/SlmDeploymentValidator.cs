using SlmFleet.Api.Schema;
using SlmFleet.Api.V1Alpha1;

namespace SlmFleet.Api.Validation;

/// <summary>
/// Cross-field checks of an SlmDeployment that a schema cannot express field by field: replica
/// bounds, the utilization band, chat template, model source and cache options. Pure: no client, no
/// I/O. Checks that need the cluster (the token Secret exists, the model fits the card) belong to the
/// reconciler. Field-level checks (enums, ranges, patterns) are the CRD schema's job; run
/// <see cref="SchemaValidator"/> with the generated schema for those.
/// </summary>
public static class SlmDeploymentValidator
{
    /// <summary>Checks a whole resource; error paths start at <c>spec</c>.</summary>
    /// <returns>Every failure found; empty when the resource is consistent.</returns>
    public static IReadOnlyList<FieldError> Validate(V1Alpha1SlmDeployment resource)
    {
        ArgumentNullException.ThrowIfNull(resource);
        return Validate(resource.Spec);
    }

    /// <summary>Checks a spec; error paths start at <paramref name="path"/>.</summary>
    /// <returns>Every failure found; empty when the spec is consistent.</returns>
    public static IReadOnlyList<FieldError> Validate(SlmDeploymentSpec spec, string path = "spec")
    {
        ArgumentNullException.ThrowIfNull(spec);
        var errors = new List<FieldError>();
        CelRuleEvaluator.Evaluate(spec, path, errors);
        return errors;
    }
}
