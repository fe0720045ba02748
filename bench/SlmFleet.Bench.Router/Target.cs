namespace SlmFleet.Bench.Router;

/// <summary>Something to send chat completions to: the upstream itself, the router, or a peer proxy.</summary>
internal sealed record Target(string Name, Uri Url, byte[] Body, IReadOnlyList<KeyValuePair<string, string>> Headers);
