namespace SlmFleet.Bench.Router;

/// <summary>What every router benchmark run starts: the built router and a policy that sends everything to the LLM side.</summary>
internal static class RouterUnderTest
{
    /// <summary>slm-router.dll as `make build` leaves it, else next to this benchmark.</summary>
    public static string Dll(string root) => new[]
    {
        Path.Combine(root, "router", "SlmFleet.Router", "bin", "Release", "net10.0", "slm-router.dll"),
        Path.Combine(AppContext.BaseDirectory, "slm-router.dll"),
    }.First(File.Exists);

    /// <summary>A <c>--policies</c> file: alias <c>bench</c>, every request routed to <paramref name="upstream"/> by a rule.</summary>
    public static string LlmOnlyPolicies(Uri upstream) => $$"""
        deployments: [ { name: none, endpoints: [] } ]
        policies:
          - modelAlias: bench
            slm: { deploymentRef: { name: none } }
            llm: { baseUrl: "{{upstream}}", model: static, inputPricePerMillionTokens: 2.5, outputPricePerMillionTokens: 10 }
            rules: [ { name: all-to-llm, match: {}, target: llm } ]
        """;
}
