namespace SlmFleet.Router.Shadow;

/// <summary>Decides which requests get a shadow copy. The random source is injected so tests can seed it.</summary>
internal sealed class ShadowSampler(Random random)
{
    private readonly Lock _gate = new();

    public bool Sample(double rate)
    {
        if (rate <= 0)
        {
            return false;
        }

        if (rate >= 1)
        {
            return true;
        }

        lock (_gate)
        {
            return random.NextDouble() < rate;
        }
    }
}
