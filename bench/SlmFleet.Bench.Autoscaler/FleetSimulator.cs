using SlmFleet.Operator.Autoscaling;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// Simulates one fleet over one trace in 1-second steps of simulated time.
/// <code>
///  Poisson arrivals ──► bounded FIFO queue ──► ready replicas, pooled: one server of rate ready × μ
///  (rate = trace load × μ)     (drops when full)        (the router spreads load evenly)
///           every SamplePeriod s: pods report busy fraction over their window + queue share
///           ──► scaler decides ──► new pods ready after U(warm-up min, max); removals are instant
/// </code>
/// A request's wait is the time from arrival to the start of its service. Deterministic for a given
/// trace, options and seed.
/// </summary>
internal sealed class FleetSimulator
{
    private static readonly DateTimeOffset Epoch = new(2026, 1, 1, 0, 0, 0, TimeSpan.Zero);

    private readonly LoadTrace _trace;
    private readonly IScaler _scaler;
    private readonly SimulationOptions _options;
    private readonly Random _arrivals;
    private readonly Random _operations;
    private readonly RequestQueue _queue;
    private readonly WaitHistogram _waits = new();
    private readonly List<SimPod> _pods = [];
    private readonly double[] _busyPrefix;
    private readonly BandMeter _band;
    private double _serverFree;
    private int _ready;
    private int _podSerial;
    private long _requests;
    private long _dropped;
    private long _sloMisses;
    private long _replicaSeconds;
    private int _maxQueue;
    private int _scaleEvents;
    private double? _lastScale;

    /// <param name="trace">Offered load per second.</param>
    /// <param name="scaler">The autoscaler under test.</param>
    /// <param name="options">Service rate, warm-up, sampling and measurement settings.</param>
    /// <param name="arrivals">Draws request arrivals only, so every autoscaler sees the same requests.</param>
    /// <param name="operations">Draws warm-up delays and failed metric reads.</param>
    public FleetSimulator(LoadTrace trace, IScaler scaler, SimulationOptions options, Random arrivals, Random operations)
    {
        _trace = trace;
        _scaler = scaler;
        _options = options;
        _arrivals = arrivals;
        _operations = operations;
        _queue = new RequestQueue(options.QueueCapacity);
        _busyPrefix = new double[trace.Seconds + 1];
        _band = new BandMeter(options);
        // Start warm, sized for the band's middle, so the first minutes measure scaling rather than a cold start.
        var initial = Math.Clamp((int)Math.Ceiling(trace.Load[0] / ((options.BandLow + options.BandHigh) / 2)), options.MinReplicas, options.MaxReplicas);
        for (var i = 0; i < initial; i++)
        {
            _pods.Add(new SimPod(NextName(), 0));
        }
    }

    public SimulationResult Run()
    {
        for (var t = 0; t < _trace.Seconds; t++)
        {
            _ready = _pods.Count(p => p.IsReady(t));
            if (t > 0 && t % _options.SamplePeriod == 0)
            {
                Operate(t);
            }

            var served = SimulateSecond(t);
            var capacity = _ready * _options.ServiceRate;
            _busyPrefix[t + 1] = _busyPrefix[t] + (capacity > 0 ? Math.Min(1, served / capacity) : 0);
            _band.Add(t, served, capacity);
            _replicaSeconds += _pods.Count;
            _maxQueue = Math.Max(_maxQueue, _queue.Count);
        }

        return new SimulationResult(
            _band.TimeInBand, _waits.Quantile(0.99), _sloMisses, _dropped, _replicaSeconds / 3600.0,
            Oracle.ReplicaHours(_trace, _options), _requests, _maxQueue, _scaleEvents, _band.MeanUtilization);
    }

    private int SimulateSecond(int t)
    {
        var rate = _trace.Load[t] * _options.ServiceRate;
        var end = t + 1.0;
        _serverFree = Math.Max(_serverFree, t);
        var served = 0;
        var next = rate > 0 ? t + Exponential(rate) : double.PositiveInfinity;
        while (next < end)
        {
            served += Serve(next);
            _requests++;
            if (!_queue.TryEnqueue(next))
            {
                _dropped++;
            }

            next += Exponential(rate);
        }

        return served + Serve(end);
    }

    /// <summary>Starts every queued request whose service can begin before <paramref name="until"/>.</summary>
    private int Serve(double until)
    {
        if (_ready == 0)
        {
            return 0;
        }

        var serviceTime = 1.0 / (_ready * _options.ServiceRate);
        var served = 0;
        while (_queue.Count > 0)
        {
            var arrival = _queue.Peek();
            var start = Math.Max(_serverFree, arrival);
            if (start >= until)
            {
                break;
            }

            var wait = start - arrival;
            _waits.Add(wait);
            if (wait > _options.SloSeconds)
            {
                _sloMisses++;
            }

            _serverFree = start + serviceTime;
            _queue.Dequeue();
            served++;
        }

        return served;
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
                pod.Utilization = (_busyPrefix[t] - _busyPrefix[windowStart]) / (t - windowStart);
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
            var warmup = _options.WarmupMin + (_operations.NextDouble() * (_options.WarmupMax - _options.WarmupMin));
            _pods.Add(new SimPod(NextName(), t + warmup));
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

    private double Exponential(double rate) => -Math.Log(1.0 - _arrivals.NextDouble()) / rate;

    private string NextName() => $"pod-{_podSerial++}";
}
