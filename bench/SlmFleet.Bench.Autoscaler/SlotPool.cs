namespace SlmFleet.Bench.Autoscaler;

/// <summary>
/// The batch slots of the ready replicas, pooled (the router spreads load evenly): the completion times
/// of the requests that hold a slot, earliest first. Every request holds its slot for the same time and
/// requests start in FIFO order, so completions come in sorted and a ring buffer keeps them.
/// </summary>
internal sealed class SlotPool(int capacity)
{
    private readonly double[] _completions = new double[capacity];
    private int _head;

    public int InFlight { get; private set; }

    /// <summary>
    /// The earliest time at or after <paramref name="from"/> at which fewer than <paramref name="slots"/>
    /// requests hold a slot; infinity with no slot. After a scale-down the requests of removed replicas
    /// still finish (the pods drain), so a smaller slot count first waits for them.
    /// </summary>
    public double FreeAt(double from, int slots)
    {
        Release(from);
        if (InFlight < slots)
        {
            return from;
        }

        // Sorted completions c0 <= c1 <= ...: after c(InFlight - slots) only slots - 1 requests remain.
        return slots == 0 ? double.PositiveInfinity : _completions[(_head + InFlight - slots) % _completions.Length];
    }

    /// <summary>Takes a slot from <paramref name="start"/> until <paramref name="completion"/>; <paramref name="start"/> comes from <see cref="FreeAt"/>.</summary>
    public void Start(double start, double completion)
    {
        Release(start);
        if (InFlight == _completions.Length)
        {
            throw new InvalidOperationException($"all {_completions.Length} batch slots of the largest fleet are in use; FreeAt must be asked first");
        }

        _completions[(_head + InFlight) % _completions.Length] = completion;
        InFlight++;
    }

    /// <summary>Frees the slots of the requests finished by <paramref name="time"/>.</summary>
    private void Release(double time)
    {
        while (InFlight > 0 && _completions[_head] <= time)
        {
            _head = (_head + 1) % _completions.Length;
            InFlight--;
        }
    }
}
