using System.Collections.Concurrent;

namespace SlmFleet.Testing.Kubernetes;

/// <summary>
/// Counts the requests a <see cref="KubeApiTestServer"/> received, per verb and resource
/// (<c>plural</c>, or <c>plural/subresource</c>), including requests answered with an injected fault.
/// Benchmarks read it for "API requests per object" and "writes during a resync".
/// </summary>
public sealed class RequestCounter
{
    private readonly ConcurrentDictionary<(ApiVerb Verb, string Resource), long> _counts = new();

    /// <summary>All requests counted since the start or the last <see cref="Reset"/>.</summary>
    public long Total => _counts.Values.Sum();

    /// <summary>Create, update, patch, delete and deletecollection requests: everything that can change state.</summary>
    public long Writes => _counts.Where(c => IsWrite(c.Key.Verb)).Sum(c => c.Value);

    /// <summary>Requests for one verb, optionally for one resource (<c>deployments</c>, <c>deployments/status</c>).</summary>
    public long Count(ApiVerb verb, string? resource = null) =>
        _counts.Where(c => c.Key.Verb == verb && (resource is null || c.Key.Resource == resource)).Sum(c => c.Value);

    /// <summary>Requests for one resource, any verb.</summary>
    public long CountResource(string resource) =>
        _counts.Where(c => c.Key.Resource == resource).Sum(c => c.Value);

    /// <summary>A copy of every counter, keyed "verb resource".</summary>
    public IReadOnlyDictionary<string, long> Snapshot() =>
        _counts.ToDictionary(c => $"{c.Key.Verb.ToString().ToLowerInvariant()} {c.Key.Resource}", c => c.Value);

    /// <summary>Forgets all counts, e.g. after setup and before the measured phase.</summary>
    public void Reset() => _counts.Clear();

    internal void Record(ApiVerb verb, string resource) =>
        _counts.AddOrUpdate((verb, resource), 1, (_, n) => n + 1);

    private static bool IsWrite(ApiVerb verb) =>
        verb is ApiVerb.Create or ApiVerb.Update or ApiVerb.Patch or ApiVerb.Delete or ApiVerb.DeleteCollection;
}
