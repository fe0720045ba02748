using System.Globalization;

namespace SlmFleet.Bench.Operator;

/// <summary>bench/results/operator.md: both modes side by side with the targets, dated, with the machine and its load.</summary>
internal static class OperatorReport
{
    public static string Markdown(OperatorBenchmarkResult inProcess, DateTime utcNow)
    {
        var real = inProcess.RealControlPlane;
        // A shared machine's load changes the converge time a lot: record it beside the numbers.
        var machine = $"{BenchMachine.Description}, load average {BenchMachine.LoadAverage}";
        string Real(Func<ControlPlaneResult, string> figure) => real is null ? "not run" : figure(real);
        var lines = new List<string>
        {
            "# Operator benchmark",
            "",
            $"Date: {utcNow.ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture)} UTC. Machine: {machine}.",
            "",
            "In-process: the operator against the in-process Kubernetes API test server (a child process; it has no server-side apply, so the operator writes with create-or-replace), "
                + "SlmDeployments with 1 or 2 warm replicas, converge counted from the first create, steady state = one full resync. "
                + "Real control plane: `../shared/k8s/up.sh --full` (kube-apiserver, etcd, kube-controller-manager, kube-scheduler and a fake kubelet v1.32, each its own process), "
                + (real is null ? string.Empty : Invariant($"{real.Nodes} fake nodes (one per accelerator class, each with room for every worker of its class), "))
                + "the operator in the benchmark process with server-side apply as `slm-operator run` wires it (16 workers, resync every 30 s), one warm replica per SlmDeployment, "
                + "requests counted on the operator's client (watches included). Converged = every SlmDeployment's status.observedGeneration equals its generation and its worker Deployment, Service and PodDisruptionBudget exist; "
                + "settled = also every worker pod ready and reported in its SlmDeployment's status.",
            "",
            "| metric | in-process API test server | real control plane | target |",
            "| --- | --- | --- | --- |",
            Invariant($"| SlmDeployments created at once | {inProcess.Objects} | {Real(r => Invariant($"{r.Objects} (creates returned in {r.ApplySeconds:F2} s)"))} | 1,000 |"),
            Invariant($"| time to converge | {inProcess.ConvergeSeconds:F2} s (from the first create) | {Real(r => Invariant($"{r.ConvergeSecondsAfterApply:F2} s after the apply returned{Repeats(r)}"))} | ≤ 30 s |"),
            Invariant($"| CPU used from the apply to convergence | - | {Real(r => Invariant($"operator process {r.OperatorCpuSecondsToConverge:F1} s, control plane {r.ControlPlaneCpuSecondsToConverge:F1} s"))} | - |"),
            Invariant($"| operator API requests per object to converge it | {inProcess.RequestsPerObject:F2} | {Real(r => Invariant($"{r.RequestsPerObjectToConverge:F2} ({r.WritesPerObject - r.ProgressStatusWritesPerObject:F2} writes, {r.ReadsPerObject:F2} reads: watch renewals shared by every object)"))} | ≤ 5 |"),
            Invariant($"| operator API requests per object from the apply until the last object converged | {inProcess.RequestsPerObject:F2} | {Real(r => Invariant($"{r.RequestsPerObject:F2} ({r.WritesPerObject:F2} writes, {r.ReadsPerObject:F2} reads; {r.ProgressStatusWritesPerObject:F2} of them status writes reporting worker progress of objects already converged)"))} | - |"),
            Invariant($"| every worker ready, operator caught up | - | {Real(r => Invariant($"{r.SettleSecondsAfterApply:F2} s after the apply returned, {r.RequestsPerObjectUntilSettled:F2} requests per object ({r.WritesPerObjectUntilSettled:F2} writes)"))} | - |"),
            Invariant($"| writes at steady state | {inProcess.SteadyStateWrites} (one full resync) | {Real(r => Invariant($"{r.SteadyStateWrites} in {r.SteadyStateSeconds} s ({r.SteadyStateReconciles} reconciles, {r.SteadyStateReads} reads)"))} | 0 |"),
            Invariant($"| operator peak RSS | {inProcess.PeakRssMb:F1} MB | {Real(r => Invariant($"{r.PeakRssMb:F1} MB"))} | < 300 MB |"),
        };
        if (real is not null)
        {
            lines.Add("");
            lines.Add("Requests on the real control plane until the last object converged, by verb and resource (an object has converged at its first status write: "
                + "the reconciler applies the worker Deployment, Service and PDB first, and every status write carries observedGeneration; a second status write of an "
                + "object reports that its Deployment's pod was created or became ready meanwhile): "
                + string.Join(", ", real.RequestsUntilConverged.Select(p => Invariant($"{p.Key} {p.Value}"))) + ".");
        }

        if (inProcess.RealControlPlaneSkipped is { } reason)
        {
            lines.Add("");
            lines.Add($"Real control plane not run: {reason}.");
        }

        lines.Add("");
        return string.Join("\n", lines);
    }

    /// <summary>The converge phase's repeats on fresh control planes, the floor writer's runs beside them, and the medians.</summary>
    private static string Repeats(ControlPlaneResult real)
    {
        if (real.ConvergeRepeats.Count == 0)
        {
            return string.Empty;
        }

        var operatorRuns = real.ConvergeRepeats.Where(r => r.Controller == ConvergeRun.Operator).Select(r => r.ConvergeSecondsAfterApply)
            .Prepend(real.ConvergeSecondsAfterApply).ToList();
        var floorRuns = real.ConvergeRepeats.Where(r => r.Controller == ConvergeRun.Floor).Select(r => r.ConvergeSecondsAfterApply).ToList();
        var runs = string.Join("; ", real.ConvergeRepeats.Select(r =>
            Invariant($"{r.Controller} {r.ConvergeSecondsAfterApply:F2} s (control plane CPU {r.ControlPlaneCpuSecondsToConverge:F1} s, {r.RequestsPerObjectToConverge:F2} requests per object)")));
        var text = Invariant($"; then on fresh control planes, in order: {runs}; operator median {Median(operatorRuns):F2} s over {operatorRuns.Count} runs");
        return floorRuns.Count == 0 ? text
            : text + Invariant($", floor writer median {Median(floorRuns):F2} s over {floorRuns.Count} runs (operator ÷ floor {Median(operatorRuns) / Median(floorRuns):F2})");
    }

    private static double Median(List<double> values)
    {
        var sorted = values.Order().ToList();
        return sorted.Count % 2 == 1 ? sorted[sorted.Count / 2] : (sorted[(sorted.Count / 2) - 1] + sorted[sorted.Count / 2]) / 2;
    }

    private static string Invariant(FormattableString text) => text.ToString(CultureInfo.InvariantCulture);
}
