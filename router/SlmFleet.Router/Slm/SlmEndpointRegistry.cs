using System.Collections.Concurrent;

namespace SlmFleet.Router.Slm;

/// <summary>Endpoint pools by SlmDeployment name, fed by a static list or by EndpointSlice discovery.</summary>
internal sealed class SlmEndpointRegistry : IDisposable
{
    private readonly ConcurrentDictionary<string, SlmEndpointPool> _pools = new(StringComparer.Ordinal);

    public SlmEndpointPool Get(string deployment) => _pools.GetOrAdd(deployment, static _ => new SlmEndpointPool());

    public void Update(string deployment, IReadOnlyCollection<Uri> addresses) => Get(deployment).Update(addresses);

    public IEnumerable<KeyValuePair<string, SlmEndpointPool>> Pools => _pools;

    public void Dispose()
    {
        foreach (var pool in _pools.Values)
        {
            pool.Update([]);
        }
    }
}
