namespace SlmFleet.Router.Tests.Infrastructure;

/// <summary>Builds the router's local policies file for tests.</summary>
public static class PolicyYaml
{
    /// <summary>
    /// Deployments: <c>tiny</c> (the real worker, served as <c>tiny-direct</c>), <c>hole</c> (a port that never
    /// answers), <c>empty</c> (no endpoints). Each policy line block is indented under <c>policies:</c>.
    /// </summary>
    public static string Build(Uri worker, Uri? hole, params string[] policies)
    {
        var yaml = $"""
            deployments:
              - name: tiny
                model: tiny-direct
                endpoints: ["{worker.ToString().TrimEnd('/')}"]
              - name: hole
                endpoints: [{(hole is null ? string.Empty : $"\"{hole.ToString().TrimEnd('/')}\"")}]
              - name: empty
                endpoints: []
            policies:

            """;
        return yaml + string.Join("\n", policies);
    }

    /// <summary>
    /// A policy block: alias, deployment, LLM base URL, threshold and any extra YAML lines (already
    /// indented by 4); <paramref name="holdBackTokens"/> sets the streaming hold-back window (default: the API's);
    /// <paramref name="calibration"/> is the flow mapping of <c>escalation.calibration</c>.
    /// </summary>
    public static string Policy(string alias, string deployment, Uri llm, double threshold, string extra = "", int slmTimeoutMs = 60000, int? holdBackTokens = null, int holdBackMs = 1000, string? calibration = null) => $"""
          - modelAlias: {alias}
            slm:
              deploymentRef: {"{"} name: {deployment} {"}"}
              timeoutMilliseconds: {slmTimeoutMs}
              {(holdBackTokens is { } tokens ? $"holdBack: {{ tokens: {tokens}, milliseconds: {holdBackMs} }}" : string.Empty)}
            llm:
              baseUrl: "{llm}"
              model: big-llm
              apiKeySecretRef: {"{"} name: llm-key {"}"}
              inputPricePerMillionTokens: 1000
              outputPricePerMillionTokens: 2000
            escalation:
              confidenceThreshold: {threshold.ToString(System.Globalization.CultureInfo.InvariantCulture)}
              {(calibration is null ? string.Empty : "calibration: " + calibration)}
        {extra}
        """;
}
