using System.Diagnostics;
using System.Globalization;
using SlmFleet.Bench.Autoscaler;
using SlmFleet.Operator.Autoscaling;

// Fleet simulation of the autoscaler against the Kubernetes HPA baseline on three traces, and the
// cold-start policies on a scale-from-zero trace.
// Deterministic: every trace and run draws from Random instances seeded here.
var arguments = BenchArguments.Parse(args, out var error);
if (arguments is null)
{
    Console.Error.WriteLine(error);
    return 2;
}

var stopwatch = Stopwatch.StartNew();
var seed = arguments.Seed;
var results = FindResultsDirectory();
var rate = arguments.ServiceRate is { } given
    ? new ServiceRate(given, string.Create(CultureInfo.InvariantCulture, $"--service-rate {given}"))
    : ServiceRate.Resolve(results);
var options = new SimulationOptions { ServiceRate = rate.RequestsPerSecond };
var policy = new AutoscalingPolicy { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas };
var strict = policy with { ConsolidateWithinBand = false, ResizeTarget = policy.TargetMiddle };
var hpa = new HpaPolicy { MinReplicas = options.MinReplicas, MaxReplicas = options.MaxReplicas };

LoadTrace[] traces = [TraceFor("diurnal", seed), TraceFor("spike", seed), TraceFor("bursty", seed)];
var reports = new List<TraceReport>();
foreach (var trace in traces)
{
    // The same seeds per run: every autoscaler sees exactly the same requests.
    var ours = Simulate(trace, new SlmScaler(policy));
    var strictBand = Simulate(trace, new SlmScaler(strict));
    var baseline = Simulate(trace, new HpaScaler(hpa));
    reports.Add(new TraceReport(trace, ours, strictBand, baseline));
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{trace.Name,-8} slm-fleet: band {ours.TimeInBand:P1}, p99 {ours.WaitP99Seconds:0.000} s, SLO misses {ours.SloMisses}, dropped {ours.Dropped}, {ours.ReplicaHours:0.0} replica-h (oracle {ours.OracleReplicaHours:0.0}) | hpa: band {baseline.TimeInBand:P1}, p99 {baseline.WaitP99Seconds:0.000} s, SLO misses {baseline.SloMisses}, dropped {baseline.Dropped}, {baseline.ReplicaHours:0.0} replica-h"));
}

// The same comparison re-drawn with further seeds: a single draw's noise moves replica-hours by about 1 %.
var sweeps = new List<SeedSweep>();
foreach (var name in traces.Select(t => t.Name))
{
    var seeds = Enumerable.Range(seed, SeedSweep.Count).ToList();
    var draws = seeds.Select(s => (Seed: s, Trace: TraceFor(name, s))).ToList();
    sweeps.Add(new SeedSweep(name, seeds,
        draws.Select(d => SimulateWith(d.Trace, new SlmScaler(policy), d.Seed)).ToList(),
        draws.Select(d => SimulateWith(d.Trace, new HpaScaler(hpa), d.Seed)).ToList()));
}

var scaleFromZero = LoadTraces.ScaleFromZero();
var coldStarts = ScaleFromZeroComparison.Run(scaleFromZero, options, seed, ScaleFromZeroComparison.Policies(options));
foreach (var cold in coldStarts.Select(r => r.ColdStart!))
{
    Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
        $"{scaleFromZero.Name} {cold.Policy.Name,-40} first ready after {cold.TimeToFirstReady:0} s, escalated {cold.Escalated} (${cold.LlmSpendUsd:0.00}), cold p99 wait {cold.ColdWaitP99:0.0} s, beyond objective {cold.WaitedBeyondObjective}"));
}

ReportWriter.Write(results, reports, sweeps, new ColdStartReport(scaleFromZero, coldStarts), rate, options, seed, stopwatch.Elapsed);
Console.WriteLine(string.Create(CultureInfo.InvariantCulture, $"wrote {Path.Combine(results, "autoscaler.json")} and autoscaler.md in {stopwatch.Elapsed.TotalSeconds:0.0} s"));
return 0;

SimulationResult Simulate(LoadTrace trace, IScaler scaler) => SimulateWith(trace, scaler, seed);

SimulationResult SimulateWith(LoadTrace trace, IScaler scaler, int runSeed) =>
    new FleetSimulator(trace, scaler, options, new Random(runSeed + 2), new Random(runSeed + 3)).Run();

// The trace as drawn for a seed: the main run's with the run's own seed, the sweep's with the others.
static LoadTrace TraceFor(string name, int traceSeed) => name switch
{
    "diurnal" => LoadTraces.Diurnal(new Random(traceSeed)),
    "bursty" => LoadTraces.Bursty(new Random(traceSeed + 1)),
    _ => LoadTraces.Spike(),
};

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
