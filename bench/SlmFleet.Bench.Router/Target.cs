namespace SlmFleet.Bench.Router;

/// <summary>Something to send chat completions to: the upstream itself, the router, or a peer proxy.</summary>
internal sealed record Target(string Name, Uri Url, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers)
{
    /// <summary>The proxy process under test, for CPU accounting; null for the direct path.</summary>
    public ChildProcess? Process { get; init; }
}
