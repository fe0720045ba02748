namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// The requests in a fleet's care (waiting for a slot or running) integrated over each simulated second:
/// the numerator of capacity utilization, which a worker time-averages the same way. Each request adds
/// +1 at its arrival and -1 at its completion, at fractional times, so a second's integral is exact.
/// </summary>
internal sealed class DemandTimeline(int seconds)
{
    private readonly double[] _partial = new double[seconds + 1];
    private readonly int[] _steps = new int[seconds + 2];
    private int _level;

    /// <summary>Demand changes by <paramref name="delta"/> at <paramref name="time"/> (seconds); steps after the trace are ignored.</summary>
    public void Step(double time, int delta)
    {
        if (time >= seconds)
        {
            return;
        }

        var second = (int)time;
        _partial[second] += delta * (second + 1 - time);
        _steps[second + 1] += delta;
    }

    /// <summary>The request-seconds of <paramref name="second"/>; call once per second, in order, after its last step.</summary>
    public double Close(int second)
    {
        _level += _steps[second];
        return _level + _partial[second];
    }
}
