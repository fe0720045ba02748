using System.Diagnostics;
using System.Globalization;
using SlmFleet.Bench.Autoscaler;
using SlmFleet.Operator.Autoscaling;

// Fleet simulation of the autoscaler against the Kubernetes HPA baseline on three traces.
// Deterministic: every trace and run draws from Random(seed) instances created here.
const int Seed = 20261122;
var stopwatch = Stopwatch.StartNew();
var results = FindResultsDirectory();
var rate = ServiceRate.Resolve(results);
var options = new SimulationOptions { ServiceRate = rate.RequestsPerSecond };
var policy = new AutoscalingPolicy { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas };
var hpa = new HpaPolicy { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas };

LoadTrace[] traces = [LoadTraces.Diurnal(new Random(Seed)), LoadTraces.Spike(), LoadTraces.Bursty(new Random(Seed + 1))];
var reports = new List<TraceReport>();
foreach (var trace in traces)
{
    var ours = new FleetSimulator(trace, new SlmScaler(policy), options, new Random(Seed + 2)).Run();
    var baseline = new FleetSimulator(trace, new HpaScaler(hpa), options, new Random(Seed + 2)).Run();
    reports.Add(new TraceReport(trace, ours, baseline));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{trace.Name,-8} ours: band {ours.TimeInBand:P1} p99 {ours.WaitP99Seconds:0.000}s slo {ours.SloMisses} drop {ours.Dropped} rh {ours.ReplicaHours:0.0}/{ours.OracleReplicaHours:0.0} events {ours.ScaleEvents} maxq {ours.MaxQueue} | hpa: band {baseline.TimeInBand:P1} p99 {baseline.WaitP99Seconds:0.000}s slo {baseline.SloMisses} drop {baseline.Dropped} rh {baseline.ReplicaHours:0.0} events {baseline.ScaleEvents}"));
}

ReportWriter.Write(results, reports, rate, options, Seed, stopwatch.Elapsed);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.Combine(results, "autoscaler.json")} in {stopwatch.Elapsed.TotalSeconds:0.0} s"));
return 0;

// bench/results under the repository root (the directory holding Operator.sln), wherever this runs from.
static string FindResultsDirectory()
{
    for (var dir = new DirectoryInfo(Directory.GetCurrentDirectory()); dir is not null; dir = dir.Parent)
    {
        if (File.Exists(Path.Combine(dir.FullName, "Operator.sln")))
        {
            return Path.Combine(dir.FullName, "bench", "results");
        }
    }

    return Path.Combine(Directory.GetCurrentDirectory(), "bench", "results");
}
