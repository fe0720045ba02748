namespace SlmFleet.Operator.Catalog;

/// <summary>
/// What the operator knows about one accelerator class: memory per device (the fit check's budget),
/// whether it is a GPU (limits, toleration), and the instance types that carry it.
/// </summary>
internal sealed record AcceleratorProfile(
    string Type,
    string Description,
    double MemoryGiB,
    bool IsGpu,
    IReadOnlyList<InstanceType> InstanceTypes)
{
    /// <summary>Instance types with at least <paramref name="devices"/> GPUs (every type for CPU), cheapest first.</summary>
    public IReadOnlyList<InstanceType> EligibleFor(int devices) =>
        [.. InstanceTypes.Where(t => !IsGpu || t.Gpus >= devices).OrderBy(t => t.OnDemandUsdPerHour).ThenBy(t => t.Name, StringComparer.Ordinal)];

    /// <summary>
    /// Hourly price of one replica's node: the cheapest catalog type among <paramref name="instanceTypes"/>
    /// that carries <paramref name="devices"/> GPUs; null when none of them is in the catalog.
    /// </summary>
    public double? CheapestPrice(int devices, IReadOnlyCollection<string> instanceTypes)
    {
        var known = EligibleFor(devices).FirstOrDefault(t => instanceTypes.Contains(t.Name, StringComparer.Ordinal));
        return known?.OnDemandUsdPerHour;
    }
}
