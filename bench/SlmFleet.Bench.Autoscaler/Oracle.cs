namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// The clairvoyant reference: for every minute it runs exactly ceil(mean offered load of that minute /
/// high mark) replicas (at least minReplicas), ready the instant they are needed, with no warm-up
/// cost — the fewest replicas that keep that minute at or below the high mark.
/// </summary>
internal static class Oracle
{
    public static double ReplicaHours(LoadTrace trace, SimulationOptions options)
    {
        double replicaMinutes = 0;
        for (var start = 0; start < trace.Seconds; start += 60)
        {
            var end = Math.Min(trace.Seconds, start + 60);
            var mean = 0.0;
            for (var s = start; s < end; s++)
            {
                mean += trace.Load[s];
            }

            mean /= end - start;
            var replicas = Math.Clamp((int)Math.Ceiling((mean / options.BandHigh) - 1e-9), options.MinReplicas, options.MaxReplicas);
            replicaMinutes += replicas * (end - start) / 60.0;
        }

        return replicaMinutes / 60.0;
    }
}
