namespace SlmFleet.Router.Hosting;

/// <summary>A non-blocking cap on requests in progress: beyond it the router answers 429 at once instead of queueing without bound.</summary>
internal sealed class ConcurrencyGate(int limit)
{
    private int _current;

    public bool TryEnter()
    {
        if (Interlocked.Increment(ref _current) <= limit)
        {
            return true;
        }

        Interlocked.Decrement(ref _current);
        return false;
    }

    public void Exit() => Interlocked.Decrement(ref _current);
}
