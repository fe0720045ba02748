using SlmFleet.Api.V1Alpha1;
using SlmFleet.Api.Validation;
using SlmFleet.Operator.Catalog;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>
/// Cross-field rules the CRD schema cannot express (or that need observed state, like the Secret).
/// Every message names the field, the value and what is accepted.
/// </summary>
internal static class SpecValidation
{
    /// <summary>Object names get "-worker" appended; Services must stay within DNS-1035's 63 characters.</summary>
    public const int MaxNameLength = 63 - 7;

    public const string DefaultSecretKey = "token";

    private static readonly string[] Quantizations = ["fp16", "int8", "int4"];
    private static readonly string[] ExecutionProviders = ["auto", "cuda", "cpu"];

    public static IReadOnlyList<SpecProblem> Validate(
        V1Alpha1SlmDeployment resource,
        AcceleratorCatalog catalog,
        IReadOnlyCollection<string>? sourceSecretKeys)
    {
        var problems = new List<SpecProblem>();
        var spec = resource.Spec;
        var name = resource.Metadata.Name ?? string.Empty;

        if (name.Length > MaxNameLength)
        {
            problems.Add(new("metadata.name", ConditionReasons.InvalidSpec,
                $"metadata.name \"{name}\" has {name.Length} characters; accepted: at most {MaxNameLength}, so the worker Service name \"<name>-worker\" is a valid DNS label."));
        }

        // The rules the CRD also states as CEL (min ≤ max, band low < high, cuda needs a GPU, ...) come
        // from the one shared validator, so the API server, the tests and the reconciler agree.
        foreach (var error in SlmDeploymentValidator.Validate(resource))
        {
            problems.Add(new(error.Path, ConditionReasons.InvalidSpec, error.Message + "."));
        }

        if (!catalog.TryGet(spec.Accelerator.Type, out var profile))
        {
            problems.Add(new("spec.accelerator.type", ConditionReasons.UnknownAccelerator,
                $"spec.accelerator.type \"{spec.Accelerator.Type}\" is not in the accelerator catalog; accepted: {string.Join(", ", catalog.KnownTypes)}."));
        }
        else if (profile.IsGpu && (spec.Accelerator.InstanceTypes is null || spec.Accelerator.InstanceTypes.Count == 0) && profile.EligibleFor(spec.Accelerator.Count).Count == 0)
        {
            var counts = profile.InstanceTypes.Select(t => t.Gpus).Distinct().Order();
            problems.Add(new("spec.accelerator.count", ConditionReasons.InvalidSpec,
                $"spec.accelerator.count {spec.Accelerator.Count}: no {spec.Accelerator.Type} instance type in the catalog has that many GPUs; accepted: {string.Join(", ", counts)}, or list spec.accelerator.instanceTypes."));
        }

        if (!Quantizations.Contains(spec.Model.Quantization, StringComparer.Ordinal))
        {
            problems.Add(new("spec.model.quantization", ConditionReasons.InvalidSpec,
                $"spec.model.quantization \"{spec.Model.Quantization}\" is not supported; accepted: {string.Join(", ", Quantizations)}."));
        }

        var provider = spec.Runtime?.ExecutionProvider ?? "auto";
        if (!ExecutionProviders.Contains(provider, StringComparer.Ordinal))
        {
            problems.Add(new("spec.runtime.executionProvider", ConditionReasons.InvalidSpec,
                $"spec.runtime.executionProvider \"{provider}\" is not supported; accepted: {string.Join(", ", ExecutionProviders)}."));
        }

        var secretRef = spec.Model.Source.SecretRef;
        if (secretRef is not null)
        {
            var key = secretRef.Key ?? DefaultSecretKey;
            if (sourceSecretKeys is null)
            {
                problems.Add(new("spec.model.source.secretRef.name", ConditionReasons.SecretNotFound,
                    $"spec.model.source.secretRef.name: Secret \"{secretRef.Name}\" not found in namespace \"{resource.Metadata.NamespaceProperty}\"; accepted: an existing Secret with key \"{key}\" holding the download token."));
            }
            else if (!sourceSecretKeys.Contains(key, StringComparer.Ordinal))
            {
                problems.Add(new("spec.model.source.secretRef.key", ConditionReasons.SecretNotFound,
                    $"spec.model.source.secretRef.key: Secret \"{secretRef.Name}\" has no key \"{key}\"; accepted: one of its keys ({string.Join(", ", sourceSecretKeys.Order(StringComparer.Ordinal))})."));
            }
        }

        return problems;
    }
}
