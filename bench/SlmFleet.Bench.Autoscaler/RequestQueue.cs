namespace SlmFleet.Bench.Autoscaler;

/// <summary>Bounded FIFO of times, one per waiting request: its arrival or its hold deadline (a ring buffer: no allocation per request).</summary>
internal sealed class RequestQueue(int capacity)
{
    private readonly double[] _arrivals = new double[capacity];
    private int _head;

    public int Count { get; private set; }

    public bool TryEnqueue(double arrival)
    {
        if (Count == _arrivals.Length)
        {
            return false;
        }

        _arrivals[(_head + Count) % _arrivals.Length] = arrival;
        Count++;
        return true;
    }

    public double Peek() => _arrivals[_head];

    public void Dequeue()
    {
        _head = (_head + 1) % _arrivals.Length;
        Count--;
    }

    public void Clear()
    {
        _head = 0;
        Count = 0;
    }
}
