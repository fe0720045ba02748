namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// Fleet capacity utilization per simulated minute (request-seconds in the fleet's care / batch-slot-seconds
/// of the ready replicas, the metric the operator's band is on) and the fraction of minutes, after the
/// settling period, that fall inside the band. A saturated minute reads above 1 and counts as 1.
/// </summary>
internal sealed class BandMeter(SimulationOptions options)
{
    private double _demand;
    private double _slots;
    private int _minutes;
    private int _inBand;
    private double _utilizationSum;

    public double TimeInBand => _minutes == 0 ? 0 : (double)_inBand / _minutes;

    public double MeanUtilization => _minutes == 0 ? 0 : _utilizationSum / _minutes;

    public void Add(int second, double demandSeconds, double slotSeconds)
    {
        _demand += demandSeconds;
        _slots += slotSeconds;
        if ((second + 1) % 60 != 0)
        {
            return;
        }

        if (second / 60 >= options.SettlingMinutes && _slots > 0)
        {
            var utilization = Math.Min(1, _demand / _slots);
            _minutes++;
            _utilizationSum += utilization;
            if (utilization >= options.BandLow && utilization <= options.BandHigh)
            {
                _inBand++;
            }
        }

        _demand = 0;
        _slots = 0;
    }
}
