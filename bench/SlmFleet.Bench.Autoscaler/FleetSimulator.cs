using SlmFleet.Api.ColdStart;
using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// Simulates one fleet over one trace in 1-second steps of simulated time.
/// <code>
///  Poisson arrivals ──► bounded FIFO queue ──► batch slots of the ready replicas, pooled (the router
///  (rate = trace load × μ)  (drops when full)     spreads load evenly); a request holds a slot slots/μ s
///     │ no replica ready: demand → operator scales 0 → 1 after DemandReactionSeconds, and the
///     └─ cold-start rule (ColdStartPlanner.Decide) holds the request or escalates it to the LLM
///  every SamplePeriod s: pods report capacity utilization ((running + waiting) / slots, time-averaged
///  over their window) + queue share ──► scaler decides ──► new pods ready after U(warm-up min, max)
/// </code>
/// A request's wait is the time from arrival to the start of its service. Deterministic for a given
/// trace, options and seed.
/// </summary>
internal sealed class FleetSimulator
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    /// <summary>The worker's cap (UtilizationTracker.MaxCapacityUtilization): demand beyond twice the slots reads as 2.</summary>
    private const double WorkerCapacityUtilizationCap = 2.0;

    private readonly LoadTrace _trace;
    private readonly IScaler _scaler;
    private readonly SimulationOptions _options;
    private readonly Random _arrivals;
    private readonly Random _operations;
    private readonly RequestQueue _queue;
    private readonly RequestQueue _holdDeadlines;
    private readonly SlotPool _slots;
    private readonly DemandTimeline _demand;
    private readonly WaitHistogram _waits = new();
    private readonly WaitHistogram _overallWaits = new();
    private readonly List<SimPod> _pods = [];
    private readonly double[] _demandPerReplicaPrefix;
    private readonly BandMeter _band;
    private readonly WarmUpHistory _warmUps;
    private readonly ColdStartGate? _coldStart;
    private double _floor;
    private int _ready;
    private int _podSerial;
    private long _requests;
    private long _dropped;
    private long _sloMisses;
    private long _replicaSeconds;
    private int _maxQueue;
    private int _scaleEvents;
    private double? _lastScale;
    private double? _wakeAt;
    private double? _zeroReplicasAt;
    private long _heldToRelease;
    private double _releasedAt;

    /// <param name="trace">Offered load per second.</param>
    /// <param name="scaler">The autoscaler under test.</param>
    /// <param name="options">Service rate, warm-up, sampling and measurement settings.</param>
    /// <param name="arrivals">Draws request arrivals only, so every autoscaler sees the same requests.</param>
    /// <param name="operations">Draws warm-up delays and failed metric reads.</param>
    /// <param name="coldStart">
    /// What the router does with requests that find no ready replica; null: they wait in the queue (the
    /// traces whose fleet never reaches zero).
    /// </param>
    /// <param name="referenceObjectiveSeconds">The objective every cold-start policy's waits are also counted against.</param>
    public FleetSimulator(LoadTrace trace, IScaler scaler, SimulationOptions options, Random arrivals, Random operations,
        ColdStartPolicy? coldStart = null, double referenceObjectiveSeconds = 30)
    {
        _trace = trace;
        _scaler = scaler;
        _options = options;
        _arrivals = arrivals;
        _operations = operations;
        _queue = new RequestQueue(options.QueueCapacity);
        _holdDeadlines = new RequestQueue(options.QueueCapacity);
        _slots = new SlotPool(options.MaxReplicas * options.BatchSlots);
        _demand = new DemandTimeline(trace.Seconds);
        _demandPerReplicaPrefix = new double[trace.Seconds + 1];
        _band = new BandMeter(options);
        _warmUps = new WarmUpHistory(Enumerable.Range(0, options.PriorWarmUps).Select(_ => DrawWarmUp()).ToList(), options.RecentWarmUps);
        _coldStart = coldStart is null ? null : new ColdStartGate(coldStart, referenceObjectiveSeconds);
        // Start warm, sized for the band's middle, so the first minutes measure scaling rather than a cold start.
        var initial = Math.Clamp((int)Math.Ceiling(trace.Load[0] / ((options.BandLow + options.BandHigh) / 2)), options.MinReplicas, options.MaxReplicas);
        for (var i = 0; i < initial; i++)
        {
            _pods.Add(new SimPod(NextName(), null, 0));
        }
    }

    public SimulationResult Run()
    {
        for (var t = 0; t < _trace.Seconds; t++)
        {
            _floor = t;
            _ready = _pods.Count(p => p.IsReady(t));
            MeasureWarmUps(t);
            if (_ready > 0 && _coldStart is { IsCold: true })
            {
                ReleaseHeld();
            }

            if (_wakeAt is { } wake && wake <= t && _pods.Count == 0)
            {
                // The operator reacts to the router's demand annotation: 0 → 1 at once, the rest by metrics.
                Resize(t, 1);
            }

            _wakeAt = _wakeAt <= t ? null : _wakeAt;
            if (t > 0 && t % _options.SamplePeriod == 0)
            {
                Operate(t);
            }

            SimulateSecond(t);
            var demand = _demand.Close(t);
            _demandPerReplicaPrefix[t + 1] = _demandPerReplicaPrefix[t] + (_ready > 0 ? demand / _ready : 0);
            _band.Add(t, demand, _ready * _options.BatchSlots);
            _replicaSeconds += _pods.Count;
            _maxQueue = Math.Max(_maxQueue, _queue.Count);
            if (_pods.Count == 0)
            {
                _zeroReplicasAt ??= t;
            }
        }

        return new SimulationResult(
            _band.TimeInBand, _waits.Quantile(0.99), _sloMisses, _dropped, _replicaSeconds / 3600.0,
            Oracle.ReplicaHours(_trace, _options), _requests, _maxQueue, _scaleEvents, _band.MeanUtilization,
            _overallWaits.Quantile(0.99), _coldStart?.Outcome(_zeroReplicasAt));
    }

    /// <summary>The operator measures each new pod's warm-up (start to ready) once it is ready.</summary>
    private void MeasureWarmUps(int t)
    {
        foreach (var pod in _pods)
        {
            if (pod.StartedAt is { } started && !pod.WarmUpMeasured && pod.IsReady(t))
            {
                _warmUps.Add(pod.ReadyAt - started);
                pod.WarmUpMeasured = true;
            }
        }
    }

    /// <summary>A replica is ready: the requests held through the cold start go to it, in order.</summary>
    private void ReleaseHeld()
    {
        _releasedAt = _pods.Where(p => p.IsReady(_floor)).Min(p => p.ReadyAt);
        _coldStart!.End(_releasedAt);
        // The held requests start from the moment the replica became ready, not the next whole second, so
        // the 1-second step adds nothing to their waits.
        _floor = _releasedAt;
        _heldToRelease = _queue.Count;
        _holdDeadlines.Clear();
    }

    private void SimulateSecond(int t)
    {
        var rate = _trace.Load[t] * _options.ServiceRate;
        var end = t + 1.0;
        var next = rate > 0 ? t + Exponential(rate) : double.PositiveInfinity;
        while (next < end)
        {
            Serve(next);
            ExpireHolds(next);
            _requests++;
            Admit(next);
            next += Exponential(rate);
        }

        Serve(end);
        ExpireHolds(end);
    }

    private void Admit(double arrival)
    {
        if (_ready == 0 && _coldStart is not null)
        {
            AdmitCold(arrival, _coldStart);
            return;
        }

        if (!_queue.TryEnqueue(arrival))
        {
            _dropped++;
            return;
        }

        _demand.Step(arrival, +1);
    }

    /// <summary>
    /// No replica is ready: the router records demand (with no replica at all, the operator scales 0 → 1
    /// after its reaction time) and applies the cold-start rule.
    /// </summary>
    private void AdmitCold(double arrival, ColdStartGate gate)
    {
        if (_pods.Count == 0)
        {
            _wakeAt ??= arrival + _options.DemandReactionSeconds;
        }

        var choice = gate.Admit(arrival, _warmUps.PredictedSeconds, _queue.Count);
        if (choice.Action == ColdStartAction.Escalate)
        {
            _overallWaits.Add(0);
            return;
        }

        if (!_queue.TryEnqueue(arrival))
        {
            _dropped++;
            return;
        }

        _holdDeadlines.TryEnqueue(arrival + choice.MaxHold.TotalSeconds);
        _demand.Step(arrival, +1);
    }

    /// <summary>
    /// Held requests whose deadline passed before any replica became ready escalate (or fail). Every hold
    /// of a policy has the same length, so deadlines are in queue order.
    /// </summary>
    private void ExpireHolds(double until)
    {
        if (_coldStart is null || _holdDeadlines.Count == 0)
        {
            return;
        }

        var firstReady = _pods.Count == 0 ? double.PositiveInfinity : _pods.Min(p => p.ReadyAt);
        while (_holdDeadlines.Count > 0 && _holdDeadlines.Peek() <= until && _holdDeadlines.Peek() < firstReady)
        {
            var deadline = _holdDeadlines.Peek();
            var heldFor = deadline - _queue.Peek();
            _holdDeadlines.Dequeue();
            _queue.Dequeue();
            _demand.Step(deadline, -1);
            if (_coldStart.Expire(heldFor))
            {
                _overallWaits.Add(heldFor);
            }
            else
            {
                _dropped++;
            }
        }
    }

    /// <summary>Starts every queued request that gets a batch slot before <paramref name="until"/>.</summary>
    private void Serve(double until)
    {
        var slots = _ready * _options.BatchSlots;
        while (_queue.Count > 0)
        {
            var arrival = _queue.Peek();
            var start = _slots.FreeAt(Math.Max(arrival, _floor), slots);
            if (start >= until)
            {
                break;
            }

            _queue.Dequeue();
            var wait = start - arrival;
            _waits.Add(wait);
            _overallWaits.Add(wait);
            if (wait > _options.SloSeconds)
            {
                _sloMisses++;
            }

            if (_heldToRelease > 0)
            {
                _heldToRelease--;
                _coldStart!.Served(Math.Max(0, _releasedAt - arrival), wait);
            }

            var completion = start + _options.SlotSeconds;
            _slots.Start(start, completion);
            _demand.Step(completion, -1);
        }
    }

    private void Operate(int t)
    {
        var samples = new List<PodSample>(_pods.Count);
        var queueShare = _ready == 0 ? 0 : _queue.Count / _ready;
        var remainder = _ready == 0 ? 0 : _queue.Count % _ready;
        foreach (var pod in _pods)
        {
            if (!pod.IsReady(t))
            {
                samples.Add(new PodSample(pod.Name, PodReadiness.Warming, null, null, null));
                continue;
            }

            var windowStart = Math.Max(t - _options.UtilizationWindow, (int)Math.Ceiling(pod.ReadyAt));
            if (windowStart < t && _operations.NextDouble() >= _options.MissedSampleProbability)
            {
                pod.Utilization = CapacityUtilization(windowStart, t);
                pod.QueueDepth = queueShare + (remainder-- > 0 ? 1 : 0);
                pod.SampleTime = t;
            }

            samples.Add(new PodSample(pod.Name, PodReadiness.Ready, pod.Utilization, pod.QueueDepth,
                pod.SampleTime is { } at ? Epoch.AddSeconds(at) : null));
        }

        var observation = new FleetObservation(samples, _pods.Count,
            _lastScale is { } last ? Epoch.AddSeconds(last) : null, Epoch.AddSeconds(t));
        Resize(t, _scaler.Decide(observation));
    }

    /// <summary>
    /// What a worker reports: its share of the requests running or waiting, time-averaged over the window,
    /// over its batch slots, capped like the worker's (<c>UtilizationTracker.MaxCapacityUtilization</c>).
    /// </summary>
    private double CapacityUtilization(int from, int to)
    {
        var perReplica = (_demandPerReplicaPrefix[to] - _demandPerReplicaPrefix[from]) / (to - from);
        return Math.Clamp(perReplica / _options.BatchSlots, 0, WorkerCapacityUtilizationCap);
    }

    private void Resize(int t, int desired)
    {
        if (desired == _pods.Count)
        {
            return;
        }

        _scaleEvents++;
        _lastScale = t;
        for (var i = _pods.Count; i < desired; i++)
        {
            _pods.Add(new SimPod(NextName(), t, t + DrawWarmUp()));
        }

        if (desired < _pods.Count)
        {
            // Like a ReplicaSet: not-ready pods go first, then the most recently ready.
            var keep = _pods.OrderBy(p => p.ReadyAt).Take(desired).ToList();
            _pods.Clear();
            _pods.AddRange(keep);
            _ready = _pods.Count(p => p.IsReady(t));
        }
    }

    private double DrawWarmUp() => _options.WarmupMin + (_operations.NextDouble() * (_options.WarmupMax - _options.WarmupMin));

    private double Exponential(double rate) => -Math.Log(1.0 - _arrivals.NextDouble()) / rate;

    private string NextName() => $"pod-{_podSerial++}";
}
