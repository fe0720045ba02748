namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// Fleet utilization per simulated minute (requests served / what the ready replicas could serve)
/// and the fraction of minutes, after the settling period, that fall inside the band.
/// </summary>
internal sealed class BandMeter(SimulationOptions options)
{
    private double _served;
    private double _capacity;
    private int _minutes;
    private int _inBand;
    private double _utilizationSum;

    public double TimeInBand => _minutes == 0 ? 0 : (double)_inBand / _minutes;

    public double MeanUtilization => _minutes == 0 ? 0 : _utilizationSum / _minutes;

    public void Add(int second, double served, double capacity)
    {
        _served += served;
        _capacity += capacity;
        if ((second + 1) % 60 != 0)
        {
            return;
        }

        if (second / 60 >= options.SettlingMinutes && _capacity > 0)
        {
            var utilization = Math.Min(1, _served / _capacity);
            _minutes++;
            _utilizationSum += utilization;
            if (utilization >= options.BandLow && utilization <= options.BandHigh)
            {
                _inBand++;
            }
        }

        _served = 0;
        _capacity = 0;
    }
}
