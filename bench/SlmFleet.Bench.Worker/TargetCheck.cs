namespace SlmFleet.Bench.Worker;

/// <summary>One of the targets: the measured ratio, the bound, and whether it holds.</summary>
internal sealed record TargetCheck(string Name, double Value, string Bound, bool Pass)
{
    public static TargetCheck AtLeast(string name, double value, double bound) => new(name, value, $"≥ {bound:0.##}", value >= bound);

    public static TargetCheck AtMost(string name, double value, double bound) => new(name, value, $"≤ {bound:0.##}", value <= bound);
}
