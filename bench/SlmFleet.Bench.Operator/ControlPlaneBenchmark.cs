using System.Diagnostics;
using System.Globalization;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging.Abstractions;
using Prometheus;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.Hosting;
using SlmFleet.Operator.Runtime;
using SlmFleet.Testing;
using SlmFleet.Testing.ControlPlane;

namespace SlmFleet.Bench.Operator;

/// <summary>
/// N SlmDeployments applied at once to a real Kubernetes 1.32 control plane (<see cref="ControlPlaneCluster"/>:
/// kube-apiserver, etcd, controller-manager, scheduler, a fake kubelet), with the SlmDeployment
/// controller wired as <c>slm-operator run</c> wires it (server-side apply) in this process, over a
/// client whose every request is recorded. Phases:
/// <code>
///   apply N objects ─► converged ─────────► settled ─────────► 60 s steady state
///   (creates return)   (each observed,       (every worker pod   (writes counted; a resync
///                       its 3 objects exist)   ready, status caught up)  of every object inside)
/// </code>
/// Judging happens in a child process (<see cref="ClusterObserverHost"/>) that watches the namespace,
/// and the control plane is separate processes, so this process's peak RSS is the operator's.
/// </summary>
internal sealed class ControlPlaneBenchmark
{
    private const string Namespace = "bench";
    private static readonly TimeSpan SteadyState = TimeSpan.FromSeconds(60);

    /// <summary>Shorter than <see cref="SteadyState"/>, so the steady-state window always holds a full resync of every object.</summary>
    private static readonly TimeSpan ResyncPeriod = TimeSpan.FromSeconds(30);

    /// <summary>After the fleet settled: how long the operator must have sent nothing before the steady-state window opens.</summary>
    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(5);

    private static readonly TimeSpan Timeout = TimeSpan.FromMinutes(10);

    private readonly int _objects;
    private readonly TextWriter _log;
    private long _reconciles;

    public ControlPlaneBenchmark(int objects, TextWriter log)
    {
        _objects = objects;
        _log = log;
    }

    /// <summary>Only the first phase (apply, converge) on a fresh control plane: a repeat of the converge time, which the machine's load moves a lot.</summary>
    public async Task<ConvergeRun> ConvergeOnlyAsync() => (await RunOperatorAsync(convergeOnly: true)).Converge;

    /// <summary>Every phase, with the operator.</summary>
    public async Task<ControlPlaneResult> RunAsync() => (await RunOperatorAsync(convergeOnly: false)).Full!;

    /// <summary>
    /// The same apply and the same judge with <see cref="FloorWriter"/> in place of the operator: how long
    /// this control plane, on this machine now, takes to converge when the controller does the least possible.
    /// </summary>
    public async Task<ConvergeRun> FloorAsync()
    {
        await using var cluster = await ControlPlaneCluster.StartAsync();
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster.KubeconfigPath);
        using var benchClient = new Kubernetes(config);
        await PrepareAsync(benchClient);
        var requests = new RequestLog();
        using var floorClient = new Kubernetes(config, requests);
        await using var observer = BenchChildProcess.Start(ClusterObserverHost.Flag, cluster.KubeconfigPath, Namespace);
        await observer.AskAsync("synced");
        await using var floor = new FloorWriter(floorClient);
        return (await ApplyAndConvergeAsync(cluster, observer, benchClient, requests, ConvergeRun.Floor, floor.Created)).Run;
    }

    /// <summary>The operator's run; <see cref="Outcome.Full"/> is null when only the converge phase ran.</summary>
    private async Task<Outcome> RunOperatorAsync(bool convergeOnly)
    {
        var clock = Stopwatch.StartNew();
        await using var cluster = await ControlPlaneCluster.StartAsync();
        _log.WriteLine($"control plane up (up.sh --full) in {clock.Elapsed.TotalSeconds:F1} s");
        var config = KubernetesClientConfiguration.BuildConfigFromConfigFile(cluster.KubeconfigPath);
        using var benchClient = new Kubernetes(config);
        var nodes = await PrepareAsync(benchClient);

        var requests = new RequestLog();
        using var operatorClient = new Kubernetes(config, requests);
        var registry = Metrics.NewCustomRegistry();
        var manager = new ControllerManager(operatorClient, new ManagerOptions { Informers = new InformerOptions { ResyncPeriod = ResyncPeriod } },
            TimeProvider.System, NullLoggerFactory.Instance, new RuntimeMetrics(registry));
        var (_, reconciler) = OperatorHost.AddSlmDeploymentController(manager, operatorClient, new OperatorHostOptions(), registry, NullLoggerFactory.Instance);
        reconciler.PlanApplied = _ => Interlocked.Increment(ref _reconciles);
        await using var observer = BenchChildProcess.Start(ClusterObserverHost.Flag, cluster.KubeconfigPath, Namespace);
        await observer.AskAsync("synced");
        using var stop = new CancellationTokenSource();
        var running = Task.Run(() => manager.RunAsync(stop.Token));
        await manager.WaitForSyncAsync(CancellationToken.None);
        requests.Clear();

        // Phase 1: apply every object at once; the clock starts when the last create has returned.
        var (converge, converged, sinceApply) = await ApplyAndConvergeAsync(cluster, observer, benchClient, requests, ConvergeRun.Operator);
        if (convergeOnly)
        {
            await stop.CancelAsync();
            await running;
            return new Outcome(converge, null);
        }

        // Phase 2: the controller-manager, scheduler and fake kubelet bring every worker up; the operator follows in status.
        await WaitAsync(() => Ask(observer, "settled"), "every worker pod ready and reported in its SlmDeployment's status");
        var settleSeconds = sinceApply.Elapsed.TotalSeconds;
        await WaitQuietAsync(requests);
        var settled = ControlPlaneRequests.From(requests);
        _log.WriteLine($"settled {settleSeconds:F1} s after the apply returned; operator requests {settled.Total}: {settled}");

        // Phase 3: steady state. Nothing changes, so the operator must write nothing, resync included.
        requests.Clear();
        var before = Interlocked.Read(ref _reconciles);
        await Task.Delay(SteadyState);
        var steady = ControlPlaneRequests.From(requests);
        var steadyReconciles = Interlocked.Read(ref _reconciles) - before;
        _log.WriteLine($"steady state {SteadyState.TotalSeconds:F0} s: {steadyReconciles} reconciles, {steady.Writes} writes, {steady.Reads} reads: {steady}");

        await stop.CancelAsync();
        await running;
        var rss = PeakMemory.Megabytes();
        _log.WriteLine($"peak RSS of the operator process: {rss:F1} MB");
        return new Outcome(converge, new ControlPlaneResult(
            _objects,
            nodes,
            converge.ApplySeconds,
            converge.ConvergeSecondsAfterApply,
            converge.ProcessCpuSecondsToConverge,
            converge.ControlPlaneCpuSecondsToConverge,
            PerObject(converged.Total),
            PerObject(converged.Reads),
            PerObject(converged.Writes),
            converge.RequestsPerObjectToConverge,
            PerObject(converged.ProgressStatusWrites),
            converged.ByVerbAndResource,
            Math.Round(settleSeconds, 2),
            PerObject(settled.Total),
            PerObject(settled.Writes),
            (int)SteadyState.TotalSeconds,
            steady.Writes,
            steady.Reads,
            steadyReconciles,
            Math.Round(rss, 1)));
    }

    /// <summary>
    /// Applies every SlmDeployment at once (the clock starts when the last create has returned) and waits
    /// until the judge sees all of them converged; <paramref name="requests"/> is the controller's client log.
    /// Returns the figures, the controller's requests until then, and a clock running since the apply returned.
    /// </summary>
    private async Task<(ConvergeRun Run, ControlPlaneRequests Requests, Stopwatch SinceApply)> ApplyAndConvergeAsync(
        ControlPlaneCluster cluster, BenchChildProcess observer, IKubernetes benchClient, RequestLog requests, string controller,
        Action<V1Alpha1SlmDeployment>? created = null)
    {
        var (ownCpu, controlPlaneCpu) = (CurrentProcessCpu(), cluster.CpuTime());
        var clock = Stopwatch.StartNew();
        await BenchFleet.CreateAllAsync(benchClient, Namespace, _objects, _ => 1, created);
        var applySeconds = clock.Elapsed.TotalSeconds;
        clock.Restart();
        _log.WriteLine($"{controller}: applied {_objects} SlmDeployments in {applySeconds:F1} s");
        await WaitAsync(() => Ask(observer, "converged"), $"every SlmDeployment converged ({controller})");
        var convergeSeconds = clock.Elapsed.TotalSeconds;
        var sent = ControlPlaneRequests.From(requests);
        var ownCpuSeconds = (CurrentProcessCpu() - ownCpu).TotalSeconds;
        var controlPlaneCpuSeconds = (cluster.CpuTime() - controlPlaneCpu)?.TotalSeconds;
        var load = BenchMachine.LoadAverage;
        _log.WriteLine($"{controller}: CPU from the apply to convergence: this process {ownCpuSeconds:F1} s, control plane {controlPlaneCpuSeconds:F1} s; load average {load}");
        _log.WriteLine($"{controller}: converged {convergeSeconds:F1} s after the apply returned; {Interlocked.Read(ref _reconciles)} operator reconciles; requests {sent.Total}: {sent}");
        var run = new ConvergeRun(controller, Math.Round(applySeconds, 2), Math.Round(convergeSeconds, 2), Math.Round(ownCpuSeconds, 1),
            controlPlaneCpuSeconds is { } used ? Math.Round(used, 1) : null, PerObject(sent.ToConverge), load);
        return (run, sent, clock);
    }

    /// <summary>The converge phase, and every phase's figures when the run went on past it.</summary>
    private sealed record Outcome(ConvergeRun Converge, ControlPlaneResult? Full);

    private static TimeSpan CurrentProcessCpu()
    {
        using var self = Process.GetCurrentProcess();
        return self.TotalProcessorTime;
    }

    private double PerObject(long count) => Math.Round(count / (double)_objects, 2);

    private async Task<bool> Ask(BenchChildProcess observer, string question) =>
        await observer.AskAsync(string.Create(CultureInfo.InvariantCulture, $"{question} {_objects}")) == "true";

    /// <summary>The CRDs from crds/, the namespace, and one fake node per accelerator class; returns the number of nodes.</summary>
    private async Task<int> PrepareAsync(Kubernetes client)
    {
        await CrdInstaller.InstallAsync(client, Path.Combine(TestPaths.RepositoryRoot, "crds"));
        await client.CoreV1.CreateNamespaceAsync(new V1Namespace { Metadata = new V1ObjectMeta { Name = Namespace } });
        var types = Enumerable.Range(0, 4).Select(BenchFleet.Accelerator).ToList();
        foreach (var type in types)
        {
            await RegisterNodeAsync(client, type);
        }

        return types.Count;
    }

    /// <summary>
    /// A Ready node of the accelerator class's first catalog instance type, large enough for every
    /// worker of the class (one fake node stands for a node pool: the scheduler's work is per pod).
    /// </summary>
    private async Task RegisterNodeAsync(Kubernetes client, string accelerator)
    {
        AcceleratorCatalog.Default.TryGet(accelerator, out var profile);
        var capacity = new Dictionary<string, ResourceQuantity>(StringComparer.Ordinal)
        {
            ["cpu"] = new(Invariant(4 * _objects)),
            ["memory"] = new(Invariant(32 * _objects) + "Gi"),
            ["pods"] = new(Invariant(_objects)),
        };
        if (profile!.IsGpu)
        {
            capacity["nvidia.com/gpu"] = new(Invariant(_objects));
        }

        var name = "node-" + accelerator;
        await client.CoreV1.CreateNodeAsync(new V1Node
        {
            Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { ["node.kubernetes.io/instance-type"] = profile.InstanceTypes[0].Name } },
        });
        var status = new V1Node
        {
            Status = new V1NodeStatus
            {
                Capacity = capacity,
                Allocatable = capacity,
                Conditions = [new V1NodeCondition { Type = "Ready", Status = "True", Reason = "KubeletReady", Message = "fake node of the operator benchmark" }],
            },
        };
        await client.CoreV1.PatchNodeStatusAsync(new V1Patch(KubernetesJson.Serialize(status), V1Patch.PatchType.MergePatch), name);
    }

    private static string Invariant(int value) => value.ToString(CultureInfo.InvariantCulture);

    /// <summary>Waits until the operator has sent no request for <see cref="Quiet"/>: trailing status writes land before the steady state starts.</summary>
    private static async Task WaitQuietAsync(RequestLog requests)
    {
        var seen = requests.Requests.Count;
        var quietSince = Stopwatch.StartNew();
        while (quietSince.Elapsed < Quiet)
        {
            await Task.Delay(250);
            var now = requests.Requests.Count;
            if (now != seen)
            {
                seen = now;
                quietSince.Restart();
            }
        }
    }

    private static async Task WaitAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        while (!await condition())
        {
            if (deadline.Elapsed > Timeout)
            {
                throw new TimeoutException($"benchmark gave up after {Timeout.TotalMinutes} min waiting for: {what}");
            }

            await Task.Delay(250);
        }
    }
}
