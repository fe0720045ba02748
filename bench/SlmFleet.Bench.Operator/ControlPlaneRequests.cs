using SlmFleet.Testing.ControlPlane;

namespace SlmFleet.Bench.Operator;

/// <summary>The operator's requests to the real API server, as its client recorded them (<see cref="RequestLog"/>), summarised.</summary>
/// <param name="Reads">GETs, watches included.</param>
/// <param name="Writes">Everything else.</param>
/// <param name="ProgressStatusWrites">
/// Successful SlmDeployment status writes after that object's first successful one. The reconciler
/// applies the worker Deployment, Service and PDB before it writes status (with observedGeneration), so
/// an object has converged at its first status write; later writes report what the Deployment controller
/// did since (a worker pod created, then ready) and are not part of converging that object.
/// </param>
/// <param name="ByVerbAndResource">Counts keyed like <c>PATCH deployments</c> or <c>PUT slmdeployments/status</c>.</param>
internal sealed record ControlPlaneRequests(long Reads, long Writes, long ProgressStatusWrites, IReadOnlyDictionary<string, long> ByVerbAndResource)
{
    public long Total => Reads + Writes;

    /// <summary>What converging the objects cost: every request less the progress reports of objects that had already converged.</summary>
    public long ToConverge => Total - ProgressStatusWrites;

    public static ControlPlaneRequests From(RequestLog log)
    {
        var requests = log.Requests;
        var writes = requests.LongCount(r => r.Method != HttpMethod.Get);
        var byKind = requests
            .GroupBy(r => Verb(r.Method, r.Query) + " " + Resource(r.Path), StringComparer.Ordinal)
            .OrderBy(g => g.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.LongCount(), StringComparer.Ordinal);
        var progress = requests
            .Where(r => r.Method != HttpMethod.Get && r.Succeeded && Resource(r.Path) == "slmdeployments/status")
            .GroupBy(r => r.Path, StringComparer.Ordinal)
            .Sum(g => g.LongCount() - 1);
        return new ControlPlaneRequests(requests.Count - writes, writes, progress, byKind);
    }

    public override string ToString() => string.Join(", ", ByVerbAndResource.Select(p => $"{p.Key}={p.Value}"));

    private static string Verb(HttpMethod method, string query) =>
        method == HttpMethod.Get && query.Contains("watch=true", StringComparison.Ordinal) ? "WATCH" : method.Method;

    /// <summary>
    /// The resource a path names, with its subresource: <c>/apis/apps/v1/namespaces/bench/deployments/x</c> →
    /// <c>deployments</c>, <c>…/slmdeployments/x/status</c> → <c>slmdeployments/status</c>.
    /// </summary>
    private static string Resource(string path)
    {
        var segments = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        var ns = Array.IndexOf(segments, "namespaces");
        // Namespaced: …/namespaces/NS/RESOURCE[/NAME[/SUB]]; cluster-wide: /api/v1/RESOURCE or /apis/G/V/RESOURCE.
        var start = ns >= 0 && segments.Length > ns + 2 ? ns + 2 : segments[0] == "api" ? 2 : 3;
        var rest = segments.Skip(start).ToArray();
        return rest.Length switch
        {
            0 => path,
            3 => rest[0] + "/" + rest[2],
            _ => rest[0],
        };
    }
}
