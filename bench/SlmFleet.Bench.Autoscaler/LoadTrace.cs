namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// Offered load per simulated second, in replica-units: 1.0 is what one replica serves at full
/// utilization. Multiplying by the per-replica service rate gives requests/s, so the traces keep
/// their shape whatever rate the worker benchmark measured.
/// </summary>
internal sealed record LoadTrace(string Name, string Description, double[] Load)
{
    public int Seconds => Load.Length;
}
