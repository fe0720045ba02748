using SlmFleet.Api.ColdStart;

namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// The warm-ups the operator has measured (pod start to ready) and the prediction it publishes over the
/// most recent ones, <see cref="ColdStartPlanner.Predict"/> — what the router's cold-start rule reads.
/// </summary>
internal sealed class WarmUpHistory
{
    private readonly Queue<double> _recent = new();
    private readonly int _keep;

    /// <param name="prior">Warm-ups of earlier starts, so a fleet that starts warm still has a prediction.</param>
    /// <param name="keep">How many of the most recent warm-ups the prediction is taken over.</param>
    public WarmUpHistory(IEnumerable<double> prior, int keep)
    {
        _keep = keep;
        foreach (var seconds in prior)
        {
            Add(seconds);
        }
    }

    public double? PredictedSeconds { get; private set; }

    public void Add(double seconds)
    {
        _recent.Enqueue(seconds);
        while (_recent.Count > _keep)
        {
            _recent.Dequeue();
        }

        PredictedSeconds = ColdStartPlanner.Predict([.. _recent]);
    }
}
