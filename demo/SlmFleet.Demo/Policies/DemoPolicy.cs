using System.Globalization;

namespace SlmFleet.Demo.Policies;

/// <summary>
/// The routing policy <c>make run</c> serves: one alias (<see cref="Alias"/>) on the generated worker,
/// escalating to the local LLM stand-in priced like a GPT-4o-class API. Its threshold, rules and prices
/// are the defaults a team would start from (see examples/routingpolicy-gpt4o-fallback.yaml), so the
/// workload ends in a realistic mix: confident classifications stay on the SLM, weak answers and
/// broken JSON escalate, long documents and flagged requests go straight to the LLM.
/// </summary>
internal static class DemoPolicy
{
    /// <summary>The model name clients send.</summary>
    public const string Alias = "fleet";

    /// <summary>The worker's served name (direct requests, never escalated).</summary>
    public const string ServedName = "tiny";

    /// <summary>GPT-4o list price per million input tokens, in USD.</summary>
    public const double InputPricePerMillion = 2.50;

    /// <summary>GPT-4o list price per million output tokens, in USD.</summary>
    public const double OutputPricePerMillion = 10.00;

    public const double ConfidenceThreshold = 0.85;

    /// <summary>Prompts at least this long (the router's estimate: UTF-8 bytes / 4) go to the LLM by rule.</summary>
    public const int LongDocumentTokens = 2000;

    /// <summary>The flag that sends a request to the LLM by rule (header x-slmfleet-flags or metadata.flags).</summary>
    public const string ComplexFlag = "complex";

    /// <summary>What the LLM would charge for these tokens at the policy's prices (the router's own formula).</summary>
    public static double Cost(int promptTokens, int completionTokens) =>
        ((promptTokens * InputPricePerMillion) + (completionTokens * OutputPricePerMillion)) / 1_000_000d;

    /// <summary>The router's local policies file (<c>--policies</c>) for a worker and an LLM base URL (…/v1).</summary>
    public static string Yaml(Uri worker, Uri llm)
    {
        ArgumentNullException.ThrowIfNull(worker);
        ArgumentNullException.ThrowIfNull(llm);
        var inv = CultureInfo.InvariantCulture;
        return $"""
            # Written by `slm-demo policy` for `make run`.
            deployments:
              - name: {ServedName}
                model: {ServedName}
                endpoints: ["{worker.ToString().TrimEnd('/')}"]
            policies:
              - modelAlias: {Alias}
                slm:
                  deploymentRef: {"{"} name: {ServedName} {"}"}
                  timeoutMilliseconds: 10000
                llm:
                  baseUrl: "{llm.ToString().TrimEnd('/')}"
                  model: gpt-4o
                  inputPricePerMillionTokens: {InputPricePerMillion.ToString("0.00", inv)}
                  outputPricePerMillionTokens: {OutputPricePerMillion.ToString("0.00", inv)}
                  timeoutSeconds: 30
                rules:
                  - name: long-documents
                    match: {"{"} minPromptTokens: {LongDocumentTokens} {"}"}
                    target: llm
                  - name: needs-reasoning
                    match: {"{"} flags: [{ComplexFlag}] {"}"}
                    target: llm
                defaultTarget: slm
                escalation:
                  confidenceThreshold: {ConfidenceThreshold.ToString("0.00", inv)}
                  schemaRetries: 1
                budget:
                  monthlyUsd: 100
                  whenExhausted: slm-only

            """;
    }
}
