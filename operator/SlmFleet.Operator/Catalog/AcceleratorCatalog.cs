namespace SlmFleet.Operator.Catalog;

/// <summary>
/// The accelerator classes an SlmDeployment may ask for. Prices are AWS on-demand, Linux, us-east-1,
/// in USD per hour, as published on https://aws.amazon.com/ec2/pricing/on-demand/ (read 2025; prices
/// change, and spot or reserved capacity is cheaper — set spec.costPerHour to override).
/// </summary>
internal sealed class AcceleratorCatalog
{
    /// <summary>The type name that means "no GPU".</summary>
    public const string Cpu = "cpu";

    private readonly Dictionary<string, AcceleratorProfile> _profiles;

    public AcceleratorCatalog(IEnumerable<AcceleratorProfile> profiles)
    {
        _profiles = profiles.ToDictionary(p => p.Type, StringComparer.Ordinal);
        KnownTypes = [.. _profiles.Keys];
    }

    /// <summary>The built-in catalog: T4 (g4dn), A10G (g5), L4 (g6) and CPU (m6i / c6i).</summary>
    public static AcceleratorCatalog Default { get; } = new(
    [
        new AcceleratorProfile("nvidia-t4", "NVIDIA T4, 16 GiB (AWS g4dn)", 16, IsGpu: true,
        [
            new InstanceType("g4dn.xlarge", 1, 0.526),
            new InstanceType("g4dn.2xlarge", 1, 0.752),
            new InstanceType("g4dn.4xlarge", 1, 1.204),
            new InstanceType("g4dn.8xlarge", 1, 2.176),
            new InstanceType("g4dn.16xlarge", 1, 4.352),
            new InstanceType("g4dn.12xlarge", 4, 3.912),
        ]),
        new AcceleratorProfile("nvidia-a10g", "NVIDIA A10G, 24 GiB (AWS g5)", 24, IsGpu: true,
        [
            new InstanceType("g5.xlarge", 1, 1.006),
            new InstanceType("g5.2xlarge", 1, 1.212),
            new InstanceType("g5.4xlarge", 1, 1.624),
            new InstanceType("g5.8xlarge", 1, 2.448),
            new InstanceType("g5.16xlarge", 1, 4.096),
            new InstanceType("g5.12xlarge", 4, 5.672),
            new InstanceType("g5.24xlarge", 4, 8.144),
            new InstanceType("g5.48xlarge", 8, 16.288),
        ]),
        new AcceleratorProfile("nvidia-l4", "NVIDIA L4, 24 GiB (AWS g6)", 24, IsGpu: true,
        [
            new InstanceType("g6.xlarge", 1, 0.805),
            new InstanceType("g6.2xlarge", 1, 0.978),
            new InstanceType("g6.4xlarge", 1, 1.323),
            new InstanceType("g6.8xlarge", 1, 2.014),
            new InstanceType("g6.16xlarge", 1, 3.397),
            new InstanceType("g6.12xlarge", 4, 4.602),
            new InstanceType("g6.24xlarge", 4, 6.675),
            new InstanceType("g6.48xlarge", 8, 13.35),
        ]),
        // Memory is the host RAM of the cheapest listed type (m6i.xlarge: 16 GiB); the fit check for
        // CPU runs against it, and ReconcilerOptions.CpuMemoryGiB overrides it.
        new AcceleratorProfile(Cpu, "CPU only (AWS m6i / c6i)", 16, IsGpu: false,
        [
            new InstanceType("m6i.xlarge", 0, 0.192),
            new InstanceType("m6i.2xlarge", 0, 0.384),
            new InstanceType("c6i.xlarge", 0, 0.17),
            new InstanceType("c6i.2xlarge", 0, 0.34),
        ]),
    ]);

    /// <summary>Accepted values of spec.accelerator.type, in catalog order (for error messages).</summary>
    public IReadOnlyList<string> KnownTypes { get; }

    public bool TryGet(string type, [System.Diagnostics.CodeAnalysis.NotNullWhen(true)] out AcceleratorProfile? profile) =>
        _profiles.TryGetValue(type, out profile);
}
