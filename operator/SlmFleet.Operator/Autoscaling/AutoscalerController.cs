using System.Collections.Concurrent;
using System.Net;
using System.Text.Json.Nodes;
using System.Threading.Channels;
using k8s;
using k8s.Autorest;
using k8s.Models;
using SlmFleet.Api;
using SlmFleet.Api.ColdStart;
using SlmFleet.Api.V1Alpha1;
using SlmFleet.Operator.Catalog;
using SlmFleet.Operator.Events;
using SlmFleet.Operator.Runtime;
using SlmFleet.Operator.SlmDeployments;

namespace SlmFleet.Operator.Autoscaling;

/// <summary>
/// The autoscaler's thin executor. Every <see cref="AutoscalerOptions.Interval"/>, while this process
/// leads, for each SlmDeployment in the informer cache:
/// <code>
///   worker pods (informer cache, by label) ──► Stats of each ready pod (gRPC, in parallel)
///     ──► FleetReader (ready / warming / overdue, samples) ──► AutoscalerDecision (state kept per uid)
///     ──► changed? PATCH .../scale {spec.replicas} + Event ScaledUp/ScaledDown
///     ──► status merge patch of the autoscaler's fields only ──► gauges
/// </code>
/// Decisions are made by the pure <see cref="AutoscalerDecision"/>; this class only reads and writes.
/// A fleet at zero does not wait for the tick: a router's demand annotation (<see cref="ApiGroup.DemandAnnotation"/>)
/// on it wakes a pass for that fleet alone, so the 0 → 1 write follows the request within a watch round trip.
/// Ticks and wake-ups are served by one loop, so a fleet's memory is never used by two passes at once.
/// </summary>
internal sealed class AutoscalerController
{
    /// <summary>Label selector of the worker pods the autoscaler caches (every SlmDeployment's workers).</summary>
    public const string WorkerPodSelector = "app.kubernetes.io/managed-by=" + WorkerLabels.ManagedBy + ",app.kubernetes.io/name=" + WorkerLabels.AppName;

    private const string Component = "slm-operator";

    private readonly IKubernetes _client;
    private readonly Informer<V1Alpha1SlmDeployment> _resources;
    private readonly Informer<V1Pod> _pods;
    private readonly IWorkerStatsSource _stats;
    private readonly Func<bool> _isLeader;
    private readonly AutoscalerOptions _options;
    private readonly AcceleratorCatalog _catalog;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly AutoscalerMetrics _metrics;
    private readonly EventRecorder _events;
    private readonly ConcurrentDictionary<string, FleetMemory> _fleets = new(StringComparer.Ordinal);
    private readonly Channel<ObjectKey> _wakeUps = Channel.CreateUnbounded<ObjectKey>(new UnboundedChannelOptions { SingleReader = true });

    // Demand that reached this replica while it did not lead (a standby, or a new leader whose elector has
    // not acted yet): handed back to the loop the moment it starts leading, not at the next tick.
    private readonly ConcurrentDictionary<ObjectKey, byte> _deferredWakeUps = new();
    private long _passes;
    private long _wakeUpCount;
    private volatile bool _started;

    public AutoscalerController(
        IKubernetes client,
        Informer<V1Alpha1SlmDeployment> resources,
        Informer<V1Pod> pods,
        IWorkerStatsSource stats,
        Func<bool> isLeader,
        AutoscalerOptions options,
        AcceleratorCatalog catalog,
        TimeProvider time,
        ILogger<AutoscalerController> logger,
        AutoscalerMetrics metrics)
    {
        _client = client;
        _resources = resources;
        _pods = pods;
        _stats = stats;
        _isLeader = isLeader;
        _options = options;
        _catalog = catalog;
        _time = time;
        _logger = logger;
        _metrics = metrics;
        _events = new EventRecorder(client, time, logger, Component);
        _resources.AddHandler(OnResourceChanged);
    }

    /// <summary>
    /// The HorizontalPodAutoscalers of the watched namespaces: while one scales an SlmDeployment (see
    /// <see cref="ExternalAutoscalers"/>) this loop stands down for it. Null: none are watched.
    /// </summary>
    public Informer<V2HorizontalPodAutoscaler>? HorizontalPodAutoscalers { get; init; }

    /// <summary>Passes completed (tests wait on it instead of sleeping).</summary>
    public long Passes => Interlocked.Read(ref _passes);

    /// <summary>True once the loop waits for its first tick.</summary>
    public bool IsStarted => _started;

    /// <summary>Waits for the SlmDeployment cache, then runs a pass per tick until cancelled.</summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        if (_options.Interval <= TimeSpan.Zero)
        {
            return;
        }

        try
        {
            await _resources.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            await _pods.WaitForSyncAsync(cancellationToken).ConfigureAwait(false);
            using var timer = new PeriodicTimer(_options.Interval, _time);
            _started = true;
            AutoscalerLog.Started(_logger, _options.Interval.TotalSeconds);
            // One loop serves both ticks and wake-ups, so a fleet's memory is never used by two passes at once.
            var tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            var wake = _wakeUps.Reader.WaitToReadAsync(cancellationToken).AsTask();
            while (true)
            {
                if (await Task.WhenAny(tick, wake).ConfigureAwait(false) == wake)
                {
                    await wake.ConfigureAwait(false);
                    await WakeUpAsync(cancellationToken).ConfigureAwait(false);
                    wake = _wakeUps.Reader.WaitToReadAsync(cancellationToken).AsTask();
                    continue;
                }

                if (!await tick.ConfigureAwait(false))
                {
                    break;
                }

                if (_isLeader())
                {
                    await RunPassAsync(cancellationToken).ConfigureAwait(false);
                }
                else
                {
                    // A standby's memory would be stale when it takes over: start again from status.
                    _fleets.Clear();
                }

                Interlocked.Increment(ref _passes);
                tick = timer.WaitForNextTickAsync(cancellationToken).AsTask();
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // Shutdown.
        }
    }

    /// <summary>
    /// Called when this replica starts leading: demand recorded while it followed wakes its fleets now,
    /// so a cold fleet never waits for the next tick because leadership changed hands.
    /// </summary>
    public void OnStartedLeading()
    {
        foreach (var key in _deferredWakeUps.Keys)
        {
            if (_deferredWakeUps.TryRemove(key, out _))
            {
                _wakeUps.Writer.TryWrite(key);
            }
        }
    }

    /// <summary>Wake-ups handled since start (tests wait on it).</summary>
    public long WakeUps => Interlocked.Read(ref _wakeUpCount);

    /// <summary>Demand on a fleet at zero: queue a pass for it alone (the informer's handler must not block).</summary>
    private void OnResourceChanged(InformerEvent<V1Alpha1SlmDeployment> change)
    {
        if (change.Type is not (InformerEventType.Added or InformerEventType.Modified)
            || change.Object.Metadata.DeletionTimestamp is not null
            || (change.Object.Spec.Replicas ?? change.Object.Spec.MinReplicas) != 0)
        {
            return;
        }

        var demand = DemandAt(change.Object);
        if (demand is not null && demand != (change.Old is null ? null : DemandAt(change.Old)))
        {
            _wakeUps.Writer.TryWrite(change.Key);
        }
    }

    /// <summary>Scales each fleet a wake-up names (ticks wait meanwhile); a failure is retried by the next tick.</summary>
    private async Task WakeUpAsync(CancellationToken cancellationToken)
    {
        while (_wakeUps.Reader.TryRead(out var key))
        {
            if (!_isLeader())
            {
                _deferredWakeUps.TryAdd(key, 0);
                if (_isLeader())
                {
                    // Leadership arrived between the check and the deferral: OnStartedLeading may have run already.
                    OnStartedLeading();
                }
            }
            else if (_resources.Get(key) is { Metadata.DeletionTimestamp: null } resource)
            {
                var ns = resource.Metadata.NamespaceProperty ?? "default";
                try
                {
                    await ScaleAsync(resource, [.. PodsByFleet()[(ns, resource.Metadata.Name)]], cancellationToken).ConfigureAwait(false);
                }
                catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
                {
                    AutoscalerLog.Failed(_logger, e, ns, resource.Metadata.Name);
                }
            }

            Interlocked.Increment(ref _wakeUpCount);
        }
    }

    /// <summary>The router's demand annotation, or null when absent or unreadable.</summary>
    internal static DateTimeOffset? DemandAt(V1Alpha1SlmDeployment resource) =>
        resource.Metadata.Annotations?.TryGetValue(ApiGroup.DemandAnnotation, out var text) == true ? DemandStamp.Parse(text) : null;

    /// <summary>The cached worker pods by the (namespace, SlmDeployment) their label names.</summary>
    private ILookup<(string Namespace, string Name), V1Pod> PodsByFleet() =>
        _pods.List()
            .Where(p => p.Metadata.Labels?.ContainsKey(WorkerLabels.DeploymentLabel) == true)
            .ToLookup(p => (p.Metadata.NamespaceProperty ?? "default", p.Metadata.Labels[WorkerLabels.DeploymentLabel]));

    /// <summary>One pass over every cached SlmDeployment; a failure on one does not stop the others.</summary>
    public async Task RunPassAsync(CancellationToken cancellationToken)
    {
        var podsByFleet = PodsByFleet();
        var live = new HashSet<(string Namespace, string Name)>();
        var uids = new HashSet<string>(StringComparer.Ordinal);
        foreach (var resource in _resources.List())
        {
            var ns = resource.Metadata.NamespaceProperty ?? "default";
            var name = resource.Metadata.Name;
            if (resource.Metadata.DeletionTimestamp is not null)
            {
                continue;
            }

            live.Add((ns, name));
            uids.Add(resource.Metadata.Uid ?? ns + "/" + name);
            if (!_isLeader())
            {
                // The lease was lost during the pass (a pass over many fleets reads stats for seconds):
                // the new leader owns spec.replicas and status from now on.
                AutoscalerLog.LeadershipLost(_logger, ns, name);
                _fleets.Clear();
                return;
            }

            try
            {
                await ScaleAsync(resource, [.. podsByFleet[(ns, name)]], cancellationToken).ConfigureAwait(false);
            }
            catch (Exception e) when (e is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
            {
                // Whatever went wrong with one SlmDeployment (API error, timeout, bad spec) is retried on
                // the next pass; it must neither stop the loop nor the other fleets.
                AutoscalerLog.Failed(_logger, e, ns, name);
            }
        }

        foreach (var gone in _fleets.Keys.Where(k => !uids.Contains(k)).ToList())
        {
            _fleets.TryRemove(gone, out _);
        }

        _metrics.RemoveAllBut(live);
        _metrics.Passes.Inc();
    }

    private async Task ScaleAsync(V1Alpha1SlmDeployment resource, List<V1Pod> pods, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var name = resource.Metadata.Name;
        var spec = resource.Spec;
        var key = resource.Metadata.Uid ?? ns + "/" + name;
        var memory = _fleets.GetOrAdd(key, _ => new FleetMemory
        {
            LastScaleTime = resource.Status?.LastScaleTime is { } last ? new DateTimeOffset(DateTime.SpecifyKind(last, DateTimeKind.Utc)) : null,
        });

        var now = _time.GetUtcNow();
        await ReadStatsAsync(pods, memory, now, cancellationToken).ConfigureAwait(false);

        var policy = AutoscalingPolicyMapper.For(spec);
        var current = spec.Replicas ?? spec.MinReplicas;
        var warmup = TimeSpan.FromSeconds(spec.Warmup?.TimeoutSeconds ?? new WarmupSpec().TimeoutSeconds);
        var staleness = policy?.MetricStaleness ?? new AutoscalingPolicy { MinReplicas = 0, MaxReplicas = 1 }.MetricStaleness;
        var reading = FleetReader.Read(pods, memory.Samples, current, memory.LastScaleTime, now, warmup, staleness, DemandAt(resource));
        var cost = CostPerMillionTokens(spec, reading);
        var external = HorizontalPodAutoscalers is null ? [] : ExternalAutoscalers.Targeting(HorizontalPodAutoscalers.List(), ns, name);
        if (policy is null || policy.Validate().Count > 0 || external.Count > 0)
        {
            // Disabled, driven by an HPA (or KEDA's) — the reconciler reports it in AutoscalerActive —, or
            // invalid (the reconciler reports it): report the fleet, leave spec.replicas alone.
            _fleets.TryRemove(key, out _);
            var fleet = UtilizationAggregator.Aggregate(reading.Observation.Pods, now, staleness);
            _metrics.Report(ns, name, reading.ReadyPods, reading.WarmingPods, current, spec.MinReplicas, fleet.Utilization, cost, reading.WarmupOverdue);
            AutoscalerLog.Skipped(_logger, ns, name, external.Count > 0 ? string.Join(", ", external.Select(ExternalAutoscalers.Describe)) + " scales it"
                : policy is null ? "spec.autoscaling.enabled is false" : string.Join("; ", policy.Validate()));
            return;
        }

        var decision = AutoscalerDecision.Decide(policy, reading.Observation, memory.State);
        if (!_isLeader())
        {
            // Stats reads take time; re-check right before writing rather than trust the pass's start.
            AutoscalerLog.LeadershipLost(_logger, ns, name);
            return;
        }

        memory.State = decision.State;
        DateTimeOffset? scaledAt = null;
        if (decision.Changes)
        {
            await WriteScaleAsync(ns, name, decision.DesiredReplicas, cancellationToken).ConfigureAwait(false);
            scaledAt = now;
            memory.LastScaleTime = now;
            var up = decision.DesiredReplicas > decision.CurrentReplicas;
            _metrics.Decisions.WithLabels(up ? "up" : "down").Inc();
            AutoscalerLog.Scaled(_logger, ns, name, decision.CurrentReplicas, decision.DesiredReplicas, decision.Reason, decision.Message);
            await _events.PostAsync(resource, new PlannedEvent(PlannedEvent.Normal, up ? AutoscalerEvents.ScaledUp : AutoscalerEvents.ScaledDown,
                AutoscalerStatusPatch.Describe(decision)), cancellationToken).ConfigureAwait(false);
        }
        else
        {
            AutoscalerLog.Held(_logger, ns, name, decision.DesiredReplicas, decision.Reason, decision.Message);
        }

        if (decision.Clamped && !memory.Clamped)
        {
            await _events.PostAsync(resource, new PlannedEvent(PlannedEvent.Warning, AutoscalerEvents.ScalingLimited,
                $"Limited to spec.maxReplicas {policy.MaxReplicas}: {decision.Message}"), cancellationToken).ConfigureAwait(false);
        }

        memory.Clamped = decision.Clamped;
        var warmUp = WarmUpMeter.Measure(pods, Newer(memory.WarmUp, resource.Status?.WarmUp));
        await PatchStatusAsync(resource, decision, reading, cost, scaledAt, now, warmUp, cancellationToken).ConfigureAwait(false);
        memory.WarmUp = warmUp ?? memory.WarmUp;
        _metrics.Report(ns, name, reading.ReadyPods, reading.WarmingPods, decision.DesiredReplicas, spec.MinReplicas, decision.Utilization.Utilization, cost, reading.WarmupOverdue);
    }

    private async Task ReadStatsAsync(List<V1Pod> pods, FleetMemory memory, DateTimeOffset now, CancellationToken cancellationToken)
    {
        var ready = pods.Where(p => FleetReader.IsCapacity(p) && FleetReader.IsReady(p)).ToList();
        var reads = ready.Select(async pod =>
        {
            try
            {
                return (pod.Metadata.Name, Stats: await _stats.ReadAsync(pod, cancellationToken).ConfigureAwait(false));
            }
            catch (WorkerStatsUnavailableException e)
            {
                _metrics.StatsFailures.Inc();
                AutoscalerLog.StatsMissing(_logger, e.Message);
                return (pod.Metadata.Name, Stats: (WorkerStats?)null);
            }
        }).ToList();
        foreach (var (name, stats) in await Task.WhenAll(reads).ConfigureAwait(false))
        {
            if (stats is not null)
            {
                memory.Samples[name] = new WorkerSample(stats, now);
            }
        }

        var names = pods.Select(p => p.Metadata.Name).ToHashSet(StringComparer.Ordinal);
        foreach (var gone in memory.Samples.Keys.Where(k => !names.Contains(k)).ToList())
        {
            memory.Samples.Remove(gone);
        }
    }

    private double? CostPerMillionTokens(SlmDeploymentSpec spec, FleetReading reading) =>
        _catalog.TryGet(spec.Accelerator.Type, out var profile)
            ? SlmDeploymentStatusPlanner.CostPerMillionTokens(WorkerSettingsResolver.CostPerHour(spec, profile), reading.ReadyPods, reading.TokensPerSecond)
            : null;

    /// <summary>Through the scale subresource, as HPA or KEDA would: the reconciler rolls the Deployment from spec.replicas.</summary>
    private async Task WriteScaleAsync(string ns, string name, int replicas, CancellationToken cancellationToken)
    {
        var patch = new JsonObject { ["spec"] = new JsonObject { ["replicas"] = replicas } };
        await _client.CustomObjects.PatchNamespacedCustomObjectScaleAsync(
            new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
            SlmDeploymentResource.Group, SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural, name,
            fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Of the warm-up this operator last wrote and the cached status's, the one with the later measured pod.</summary>
    private static WarmUpStatus? Newer(WarmUpStatus? a, WarmUpStatus? b) =>
        (a?.LastReadyTime ?? DateTime.MinValue) >= (b?.LastReadyTime ?? DateTime.MinValue) ? a ?? b : b;

    /// <summary>Patches the autoscaler's status fields; on 409 (another writer moved it) re-reads and tries again.</summary>
    private async Task PatchStatusAsync(
        V1Alpha1SlmDeployment resource, ScaleDecision decision, FleetReading reading, double? cost, DateTimeOffset? scaledAt, DateTimeOffset now, WarmUpStatus? warmUp, CancellationToken cancellationToken)
    {
        var ns = resource.Metadata.NamespaceProperty ?? "default";
        var name = resource.Metadata.Name;
        // After a scale write the cached copy is one version behind for sure.
        var latest = scaledAt is null ? resource : await GetAsync(ns, name, cancellationToken).ConfigureAwait(false);
        for (var attempt = 0; latest is not null; attempt++)
        {
            var patch = AutoscalerStatusPatch.Build(latest, decision, reading, cost, scaledAt, now, warmUp);
            if (patch is null)
            {
                return;
            }

            try
            {
                await _client.CustomObjects.PatchNamespacedCustomObjectStatusAsync(
                    new V1Patch(patch.ToJsonString(), V1Patch.PatchType.MergePatch),
                    SlmDeploymentResource.Group, SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural, name,
                    fieldManager: SlmDeploymentResource.FieldManager, cancellationToken: cancellationToken).ConfigureAwait(false);
                return;
            }
            catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.Conflict && attempt < 3)
            {
                AutoscalerLog.Conflict(_logger, ns, name);
                latest = await GetAsync(ns, name, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    private async Task<V1Alpha1SlmDeployment?> GetAsync(string ns, string name, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.CustomObjects.GetNamespacedCustomObjectAsync<V1Alpha1SlmDeployment>(
                SlmDeploymentResource.Group, SlmDeploymentResource.Version, ns, SlmDeploymentResource.Plural, name, cancellationToken).ConfigureAwait(false);
        }
        catch (HttpOperationException e) when (e.Response.StatusCode == HttpStatusCode.NotFound)
        {
            return null;
        }
    }
}
