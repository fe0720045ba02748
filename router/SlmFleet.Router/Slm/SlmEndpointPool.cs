namespace SlmFleet.Router.Slm;

/// <summary>
/// The endpoints of one SlmDeployment. Picks the non-ejected endpoint with the fewest calls in
/// flight; ties rotate so that idle replicas share the load. The endpoint array is replaced as a
/// whole when discovery changes it.
/// </summary>
internal sealed class SlmEndpointPool
{
    private volatile SlmEndpoint[] _endpoints = [];
    private int _next;

    // Completed while the pool has endpoints; replaced by a fresh one when it loses them (cold-start waiters await it).
    private volatile TaskCompletionSource _hasEndpoints = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public IReadOnlyList<SlmEndpoint> Endpoints => _endpoints;

    /// <summary>
    /// The current "has endpoints" signal: one task per spell without endpoints, so a cold start is told
    /// apart from the next one by reference.
    /// </summary>
    public Task EndpointsSignal => _hasEndpoints.Task;

    /// <summary>Completes as soon as the pool has at least one endpoint (at once if it has one now).</summary>
    public Task WhenEndpointsAsync(CancellationToken cancellationToken) => _hasEndpoints.Task.WaitAsync(cancellationToken);

    /// <summary>Returns the endpoint to use, or null when none is ready. <paramref name="exclude"/> skips one already tried.</summary>
    public SlmEndpoint? Pick(DateTimeOffset now, SlmEndpoint? exclude = null)
    {
        var endpoints = _endpoints;
        if (endpoints.Length == 0)
        {
            return null;
        }

        var start = (int)((uint)Interlocked.Increment(ref _next) % (uint)endpoints.Length);
        SlmEndpoint? best = null;
        for (var i = 0; i < endpoints.Length; i++)
        {
            var candidate = endpoints[(start + i) % endpoints.Length];
            if (ReferenceEquals(candidate, exclude) || candidate.IsEjected(now))
            {
                continue;
            }

            if (best is null || candidate.Outstanding < best.Outstanding)
            {
                best = candidate;
            }
        }

        return best;
    }

    /// <summary>Replaces the endpoint set, keeping channels of addresses that stay and disposing the rest.</summary>
    public void Update(IReadOnlyCollection<Uri> addresses)
    {
        var current = _endpoints;
        var kept = new List<SlmEndpoint>(addresses.Count);
        foreach (var address in addresses.Distinct())
        {
            kept.Add(Array.Find(current, e => e.Address == address) ?? new SlmEndpoint(address));
        }

        _endpoints = [.. kept];
        if (kept.Count > 0)
        {
            _hasEndpoints.TrySetResult();
        }
        else if (_hasEndpoints.Task.IsCompleted)
        {
            _hasEndpoints = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        foreach (var old in current)
        {
            if (!kept.Contains(old))
            {
                old.Dispose();
            }
        }
    }
}
