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
        CheckRedactions(spec.Distillation, $"{path}.distillation.redact", errors);
        return errors;
    }

    /// <summary>
    /// Each redaction pattern must compile as a .NET regular expression: a broken one would otherwise
    /// fail only when the first record is written. (The API server cannot check .NET syntax.)
    /// </summary>
    private static void CheckRedactions(DistillationSpec? distillation, string path, List<FieldError> errors)
    {
        if (distillation?.Redact is not { } rules)
        {
            return;
        }

        for (var i = 0; i < rules.Count; i++)
        {
            try
            {
                _ = new System.Text.RegularExpressions.Regex(rules[i].Pattern, System.Text.RegularExpressions.RegexOptions.None, TimeSpan.FromMilliseconds(100));
            }
            catch (ArgumentException ex)
            {
                errors.Add(new FieldError(FieldErrorType.Invalid, $"{path}[{i}].pattern", System.Text.Json.JsonSerializer.Serialize(rules[i].Pattern),
                    $"redaction \"{rules[i].Name}\" does not compile ({ex.Message}); accepted: a .NET regular expression"));
            }
        }
    }
}
