using SlmFleet.Api.ColdStart;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// The router's side of a cold start under one policy: each request that finds no ready replica gets the
/// shared rule's choice (<see cref="ColdStartPlanner.Decide"/>, as the router calls it); a held request
/// waits for the first ready replica or its <see cref="ColdStartChoice.MaxHold"/>, then escalates
/// (<c>wait_expired</c>) or, where the LLM may not be called, fails. One router replica: its hold queue
/// is the fleet's whole queue while nothing is ready. Counts what the report compares.
/// </summary>
internal sealed class ColdStartGate(ColdStartPolicy policy, double referenceObjectiveSeconds)
{
    // Hold deadlines are arrival + objective computed in floating point; a request escalated exactly at
    // its objective has not waited beyond it.
    private const double Tolerance = 1e-6;

    private readonly Dictionary<string, long> _escalations = new(StringComparer.Ordinal);
    private readonly WaitHistogram _waits = new();
    private double? _coldSince;
    private double? _firstColdRequestAt;
    private double? _timeToFirstReady;
    private long _coldRequests;
    private long _held;
    private long _heldBeyondObjective;
    private long _waitedBeyondObjective;
    private long _waitedBeyondReference;

    public bool IsCold => _coldSince is not null;

    /// <summary>Held requests whose hold ran out where the LLM may not be called: the router answers an error.</summary>
    public long Failed { get; private set; }

    /// <summary>The rule's choice for a request arriving while no replica is ready.</summary>
    /// <param name="now">The request's arrival.</param>
    /// <param name="predictedWarmUpSeconds">What the operator publishes (null before anything was measured).</param>
    /// <param name="held">Requests this router already holds.</param>
    public ColdStartChoice Admit(double now, double? predictedWarmUpSeconds, int held)
    {
        _coldSince ??= now;
        _firstColdRequestAt ??= now;
        _coldRequests++;
        var choice = ColdStartPlanner.Decide(policy.Spec, predictedWarmUpSeconds, TimeSpan.FromSeconds(now - _coldSince.Value), held, policy.CanEscalate);
        if (choice.Action == ColdStartAction.Escalate)
        {
            Escalate(choice.Cause, 0);
        }
        else
        {
            _held++;
        }

        return choice;
    }

    /// <summary>A held request reached its deadline with no replica ready; false when it fails instead of escalating.</summary>
    public bool Expire(double heldFor)
    {
        CountHold(heldFor);
        if (!policy.CanEscalate)
        {
            Failed++;
            return false;
        }

        Escalate(ColdStartPlanner.WaitExpired, heldFor);
        return true;
    }

    /// <summary>The first replica became ready at <paramref name="readyAt"/>: the requests still held go to it.</summary>
    public void End(double readyAt)
    {
        if (_firstColdRequestAt is { } first)
        {
            _timeToFirstReady ??= readyAt - first;
        }

        _coldSince = null;
    }

    /// <summary>A request held during the cold start started on the SLM after <paramref name="wait"/> seconds, <paramref name="heldFor"/> of them held.</summary>
    public void Served(double heldFor, double wait)
    {
        CountHold(heldFor);
        CountWait(wait);
    }

    public ColdStartOutcome Outcome(double? zeroReplicasAt) => new(
        policy, referenceObjectiveSeconds, _coldRequests, _held, new Dictionary<string, long>(_escalations),
        _heldBeyondObjective, _waitedBeyondObjective, _waitedBeyondReference, _waits.Quantile(0.99),
        _timeToFirstReady, zeroReplicasAt, _firstColdRequestAt);

    private void Escalate(string cause, double wait)
    {
        _escalations[cause] = _escalations.GetValueOrDefault(cause) + 1;
        CountWait(wait);
    }

    private void CountHold(double heldFor)
    {
        if (heldFor > policy.ObjectiveSeconds + Tolerance)
        {
            _heldBeyondObjective++;
        }
    }

    private void CountWait(double wait)
    {
        _waits.Add(wait);
        if (wait > policy.ObjectiveSeconds + Tolerance)
        {
            _waitedBeyondObjective++;
        }

        if (wait > referenceObjectiveSeconds + Tolerance)
        {
            _waitedBeyondReference++;
        }
    }
}
