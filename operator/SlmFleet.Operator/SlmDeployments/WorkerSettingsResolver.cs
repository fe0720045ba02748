using System.Globalization;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;

namespace SlmFleet.Operator.SlmDeployments;

/// <summary>Resolves defaults (replicas, instance types, execution provider, cache size) from a valid spec. Pure.</summary>
internal static class WorkerSettingsResolver
{
    /// <summary>spec.replicas when set (the autoscaler writes it through the scale subresource), else minReplicas; clamped to [min, max].</summary>
    public static int DesiredReplicas(SlmDeploymentSpec spec) =>
        Math.Clamp(spec.Replicas ?? spec.MinReplicas, spec.MinReplicas, Math.Max(spec.MinReplicas, spec.MaxReplicas));

    /// <summary>Instance types for node affinity: the spec override, else the catalog's (none for CPU, so demos schedule anywhere).</summary>
    public static IReadOnlyList<string> InstanceTypes(AcceleratorSpec accelerator, AcceleratorProfile profile) =>
        accelerator.InstanceTypes is { Count: > 0 } overrides ? [.. overrides]
        : profile.IsGpu ? [.. profile.EligibleFor(accelerator.Count).Select(t => t.Name)]
        : [];

    /// <summary>spec.costPerHour, else the cheapest catalog price among the eligible instance types.</summary>
    public static double CostPerHour(SlmDeploymentSpec spec, AcceleratorProfile profile)
    {
        if (spec.CostPerHour is { } explicitCost)
        {
            return explicitCost;
        }

        var eligible = profile.EligibleFor(spec.Accelerator.Count);
        var candidates = spec.Accelerator.InstanceTypes is { Count: > 0 } overrides ? overrides : [.. eligible.Select(t => t.Name)];
        return profile.CheapestPrice(spec.Accelerator.Count, candidates)
            ?? (eligible.Count > 0 ? eligible[0].OnDemandUsdPerHour : profile.InstanceTypes[0].OnDemandUsdPerHour);
    }

    public static WorkerSettings Resolve(V1Alpha1SlmDeployment resource, AcceleratorProfile profile, ModelMemoryEstimate memory, SlmDeploymentOptions options)
    {
        var spec = resource.Spec;
        var provider = spec.Runtime?.ExecutionProvider ?? "auto";
        var runtime = spec.Runtime ?? new RuntimeSpec();
        var warmup = spec.Warmup ?? new WarmupSpec();
        var claim = spec.ModelCache?.PersistentVolumeClaim;
        var perReplica = spec.ModelCache?.PerReplicaClaim;
        return new WorkerSettings
        {
            Name = resource.Metadata.Name,
            Namespace = resource.Metadata.NamespaceProperty ?? "default",
            Image = string.IsNullOrEmpty(spec.Image) ? options.WorkerImage : spec.Image,
            ServedName = spec.Model.Name,
            ChatTemplate = spec.Model.ChatTemplate,
            Replicas = DesiredReplicas(spec),
            MinReplicas = spec.MinReplicas,
            Accelerator = profile,
            Devices = profile.IsGpu ? spec.Accelerator.Count : 0,
            InstanceTypes = InstanceTypes(spec.Accelerator, profile),
            // The operator knows the hardware, so "auto" becomes explicit: the worker then fails loudly
            // instead of silently running a GPU fleet on CPU.
            ExecutionProvider = provider != "auto" ? provider : profile.IsGpu ? "cuda" : "cpu",
            MaxBatchSize = runtime.MaxBatchSize,
            MaxConcurrentRequests = runtime.MaxConcurrentRequests,
            MaxNewTokens = runtime.MaxNewTokens,
            WarmupPrompts = warmup.Prompts ?? [],
            WarmupTimeoutSeconds = warmup.TimeoutSeconds,
            Memory = memory,
            CacheClaim = claim,
            CachePerReplica = claim is null ? perReplica : null,
            CacheSizeLimit = claim is not null || perReplica is not null ? null : spec.ModelCache?.SizeLimit ?? DefaultCacheSize(memory),
        };
    }

    // Room for the weights plus tokenizer/config files and a partial download being replaced.
    private static string DefaultCacheSize(ModelMemoryEstimate memory) =>
        ((int)Math.Ceiling((memory.WeightsGiB * 1.25) + 1)).ToString(CultureInfo.InvariantCulture) + "Gi";
}
