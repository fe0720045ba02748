using System.Text.Json.Nodes;

namespace SlmFleet.Bench.Charts;

/// <summary>
/// router.json: the latency each proxy adds over calling the upstream directly (p50 and p99, log₁₀ scale:
/// Portkey is three orders of magnitude above the others), the most requests per second each path
/// carries, and each proxy's CPU per request.
/// </summary>
internal static class RouterCharts
{
    public static IEnumerable<NamedChart> Build(ResultFile file)
    {
        var root = file.Root;
        if (root["peers"] is not JsonObject peers)
        {
            yield break;
        }

        var names = new List<string> { "SLM Fleet router" };
        var p50 = new List<double> { Json.Number(root["added_p50_ms"]) };
        var p99 = new List<double> { Json.Number(root["added_p99_ms"]) };
        var rps = new List<double> { Json.Number(root["rps_max"]) };
        var cpu = new List<double> { Json.Number(root["router_cpu_us_per_request"]) };
        foreach (var (name, peer) in peers)
        {
            names.Add(PeerName(name, root));
            p50.Add(Json.Number(peer!["p50_ms"]));
            p99.Add(Json.Number(peer["p99_ms"]));
            rps.Add(Json.Number(peer["rps_max"]));
            cpu.Add(Json.Number(peer["cpu_us_per_request"]));
        }

        var settings = root["settings"];
        var subtitle = $"{file.Subtitle}\nstatic local upstream; latency at {Json.Number(settings?["fixed_rate_rps"]):0} req/s open loop, best of {Json.Number(settings?["runs"]):0} runs";

        var latency = ChartStyle.Create("Latency added by the proxy over a direct call (log₁₀ scale)", subtitle, "proxy", "added latency (ms)");
        ChartStyle.GroupedBars(latency, names, [("p50", [.. p50]), ("p99", [.. p99])], "0.###", log: true);
        yield return new NamedChart("latency", latency);

        var throughput = ChartStyle.Create(
            "Most requests per second carried (log₁₀ scale)",
            $"{file.Subtitle}\n{Json.Number(settings?["concurrency"]):0} requests in flight, {Json.Number(settings?["phase_seconds"]):0} s per run",
            "path",
            "requests/s");
        ChartStyle.GroupedBars(throughput, ["direct (no proxy)", .. names], [("max requests/s", [Json.Number(root["direct"]?["rps_max"]), .. rps])], "0", log: true);
        yield return new NamedChart("throughput", throughput);

        var cpuChart = ChartStyle.Create("Proxy CPU time per request (log₁₀ scale)", file.Subtitle + "\nthe proxy process's CPU during the max-throughput phase ÷ requests served", "proxy", "CPU µs per request");
        ChartStyle.GroupedBars(cpuChart, names, [("CPU µs/request", [.. cpu])], "0.0", log: true);
        yield return new NamedChart("cpu", cpuChart);
    }

    private static string PeerName(string key, JsonNode root) => key switch
    {
        "portkey" when Json.Text(root["settings"]?["portkey_version"]) is { } version => $"Portkey gateway {version}",
        "portkey" => "Portkey gateway",
        "nginx" => "nginx (plain reverse proxy)",
        _ => key,
    };
}
